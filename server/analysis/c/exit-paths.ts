import type { Node } from 'web-tree-sitter';
import { NESTED_BODIES } from './functions';

/**
 * Paths from an opening statement (a lock, an acquire) to the exits of its function, by the
 * shape of the code: whether each `return`, and the end of the function, is reached only through
 * a closing statement. Loops are not unrolled and `break`/`continue` are not followed; whatever the
 * walk cannot decide comes back as `unknown`, which callers treat as "do not report".
 */
export interface PairedStatements {
  /** The statement that opens: `PyGILState_STATE s = PyGILState_Ensure();`. */
  isOpen(statement: Node): boolean;
  /** True when this statement, run as a whole, closes: `PyGILState_Release(s);`. */
  isClose(statement: Node): boolean;
  /** True when the statement contains a closing call anywhere, perhaps on one branch only. */
  mentionsClose(statement: Node): boolean;
}

export type PathState = 'closed' | 'open' | 'unknown';

const JUMPS = new Set(['return_statement', 'goto_statement', 'break_statement', 'continue_statement', 'throw_statement']);

/** The statements of a block, comments and stray nodes left out. */
function statementsOf(block: Node): Node[] {
  return block.namedChildren.filter((child): child is Node => child !== null && child.type !== 'comment');
}

/** True when control never leaves `statement` at its end: its last statement jumps away. */
function endsInJump(statement: Node): boolean {
  if (JUMPS.has(statement.type)) return true;
  if (statement.type === 'compound_statement') {
    const last = statementsOf(statement).at(-1);
    return last !== undefined && endsInJump(last);
  }
  if (statement.type === 'labeled_statement') {
    const inner = innerStatement(statement);
    return inner !== undefined && endsInJump(inner);
  }
  if (statement.type === 'if_statement') {
    // `if (…) { …; return a; } else { …; return b; }`: neither branch falls through.
    const consequence = statement.childForFieldName('consequence');
    const alternative = statement.childForFieldName('alternative');
    const otherwise = alternative ? statementsOf(alternative).at(-1) : undefined;
    return consequence !== null && otherwise !== undefined && endsInJump(consequence) && endsInJump(otherwise);
  }
  return false;
}

/** The statement a label stands before. */
function innerStatement(labeled: Node): Node | undefined {
  return statementsOf(labeled).find((child) => child.type !== 'statement_identifier');
}

type Flow = 'closes' | 'none' | 'maybe';

/** What running `statement` and leaving it at its end does to the pairing. */
function flowThrough(statement: Node, pair: PairedStatements): Flow {
  if (pair.isClose(statement)) return 'closes';
  if (!pair.mentionsClose(statement)) return 'none';
  if (statement.type === 'compound_statement') {
    const statements = statementsOf(statement);
    for (let index = statements.length - 1; index >= 0; index--) {
      const flow = flowThrough(statements[index], pair);
      if (flow !== 'none') return flow;
    }
    return 'none';
  }
  if (statement.type === 'if_statement') {
    const branches = [statement.childForFieldName('consequence'), statement.childForFieldName('alternative')];
    const flows = branches.map((branch): Flow | 'exits' => {
      if (!branch) return 'none';
      const body = branch.type === 'else_clause' ? statementsOf(branch).at(-1) : branch;
      if (!body) return 'none';
      return endsInJump(body) ? 'exits' : flowThrough(body, pair);
    });
    const through = flows.filter((flow): flow is Flow => flow !== 'exits');
    if (through.length === 0 || through.every((flow) => flow === 'none')) return 'none';
    return through.every((flow) => flow === 'closes') ? 'closes' : 'maybe';
  }
  if (['for_statement', 'while_statement', 'do_statement', 'for_range_loop'].includes(statement.type)) {
    // A loop whose body closes only on paths that leave the function changes nothing for the code after it.
    const body = statement.childForFieldName('body');
    return body && flowThrough(body, pair) === 'none' ? 'none' : 'maybe';
  }
  return 'maybe';
}

function combine(states: PathState[]): PathState {
  if (states.includes('open')) return 'open';
  if (states.includes('closed')) return 'closed';
  return 'unknown';
}

export class ExitPaths {
  private readonly labels = new Map<string, Node[]>();

  constructor(
    /** The body (compound_statement) of the function holding the opening statement. */
    private readonly body: Node,
    private readonly pair: PairedStatements,
  ) {
    for (const jump of body.descendantsOfType('goto_statement')) {
      const label = jump?.childForFieldName('label')?.text;
      if (!jump || !label) continue;
      const list = this.labels.get(label);
      if (list) list.push(jump);
      else this.labels.set(label, [jump]);
    }
  }

  /** The `return` statements of the function that come after `open` (nested functions and lambdas excluded). */
  returnsAfter(open: Node): Node[] {
    const returns: Node[] = [];
    const pending: Node[] = [this.body];
    while (pending.length > 0) {
      const node = pending.pop()!;
      if (node.type === 'return_statement' && node.startIndex >= open.endIndex) returns.push(node);
      for (const child of node.namedChildren) if (child && !NESTED_BODIES.has(child.type)) pending.push(child);
    }
    return returns.sort((a, b) => a.startIndex - b.startIndex);
  }

  /** Whether the pairing is open just before `statement` runs, over every path that reaches it. */
  stateBefore(statement: Node): PathState {
    return this.walkBack(statement, new Set());
  }

  /** Whether the pairing is open when control falls off the end of the function body. */
  stateAtEnd(): PathState {
    const last = statementsOf(this.body).at(-1);
    if (last && endsInJump(last)) return 'unknown';
    const state = this.scanBack(this.body, last ?? null, new Set());
    return state === 'continue' ? 'unknown' : state;
  }

  /** Walks back from `from` to the opening statement. `seenLabels` stops loops through `goto`. */
  private walkBack(from: Node, seenLabels: Set<string>): PathState {
    let current: Node = from;
    let container: Node | null = from.parent;
    let previous: Node | null = from.previousNamedSibling;
    for (;;) {
      if (!container) return 'unknown';
      if (container.type === 'compound_statement' || container.type === 'case_statement') {
        const state = this.scanBack(container, previous, seenLabels);
        if (state !== 'continue') return state;
        if (container.id === this.body.id) return 'unknown';
        // A `case` is entered from its switch: continue before the switch statement.
        if (container.type === 'case_statement') {
          const switchStatement = container.parent?.parent;
          if (switchStatement?.type !== 'switch_statement') return 'unknown';
          current = switchStatement;
        } else {
          current = container;
        }
      } else if (container.type === 'labeled_statement') {
        return this.mergeAt(container, seenLabels);
      } else if (NESTED_BODIES.has(container.type)) {
        return 'unknown';
      } else {
        current = container;
      }
      container = current.parent;
      previous = current.previousNamedSibling;
    }
  }

  /** Scans the statements of one block backwards from `previous`; `continue` when it reaches the block's start undecided. */
  private scanBack(container: Node, previous: Node | null, seenLabels: Set<string>): PathState | 'continue' {
    const value = container.type === 'case_statement' ? container.childForFieldName('value') : null;
    for (let sibling = previous; sibling; sibling = sibling.previousNamedSibling) {
      if (sibling.type === 'comment') continue;
      if (value && sibling.id === value.id) break;
      if (this.pair.isOpen(sibling)) return 'open';
      if (this.containsOpen(sibling)) return this.stateAtEndOf(sibling, seenLabels);
      if (sibling.type === 'labeled_statement') {
        const inner = innerStatement(sibling);
        if (inner && endsInJump(inner)) return 'unknown';
        const flow = inner ? flowThrough(inner, this.pair) : 'none';
        if (flow === 'closes') return 'closed';
        if (flow === 'maybe') return 'unknown';
        return this.mergeAt(sibling, seenLabels);
      }
      if (JUMPS.has(sibling.type) || endsInJump(sibling)) return 'unknown';
      const flow = flowThrough(sibling, this.pair);
      if (flow === 'closes') return 'closed';
      if (flow === 'maybe') return 'unknown';
    }
    return 'continue';
  }

  private containsOpen(statement: Node): boolean {
    return statement
      .descendantsOfType(['declaration', 'expression_statement'])
      .some((inner) => inner !== null && this.pair.isOpen(inner));
  }

  /** The pairing's state where control leaves `statement` at its end, for a statement that contains the opening. */
  private stateAtEndOf(statement: Node, seenLabels: Set<string>): PathState {
    if (this.pair.isOpen(statement)) return 'open';
    if (endsInJump(statement)) return 'unknown';
    switch (statement.type) {
      case 'compound_statement': {
        const state = this.scanBack(statement, statementsOf(statement).at(-1) ?? null, seenLabels);
        return state === 'continue' ? 'unknown' : state;
      }
      case 'if_statement': {
        const branch = [statement.childForFieldName('consequence'), statement.childForFieldName('alternative')].find(
          (candidate) => candidate && this.containsOpen(candidate),
        );
        const body = branch?.type === 'else_clause' ? statementsOf(branch).at(-1) : branch;
        return body ? this.stateAtEndOf(body, seenLabels) : 'unknown';
      }
      case 'while_statement':
      case 'for_statement':
      case 'do_statement': {
        const body = statement.childForFieldName('body');
        return body ? this.stateAtEndOf(body, seenLabels) : 'unknown';
      }
      case 'labeled_statement': {
        const inner = innerStatement(statement);
        return inner ? this.stateAtEndOf(inner, seenLabels) : 'unknown';
      }
      default:
        return 'unknown';
    }
  }

  /** A label joins the statement before it and every `goto` to it. */
  private mergeAt(labeled: Node, seenLabels: Set<string>): PathState {
    const label = labeled.childForFieldName('label')?.text;
    if (!label) return 'unknown';
    if (seenLabels.has(label)) return 'unknown';
    const seen = new Set(seenLabels).add(label);
    const states = [this.walkBack(labeled, seen)];
    for (const jump of this.labels.get(label) ?? []) states.push(this.walkBack(jump, seen));
    return combine(states);
  }
}
