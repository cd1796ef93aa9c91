import type { Node } from 'web-tree-sitter';

const COMPREHENSIONS = new Set(['list_comprehension', 'set_comprehension', 'dictionary_comprehension', 'generator_expression']);
const SCOPES = new Set(['function_definition', 'lambda', 'class_definition', 'module']);
/** The most iterations a loop over a literal can have before it counts as repeating work. */
const FEW_ITERATIONS = 16;

/** `for x in (a, b)`, `for i in range(4)`: a loop whose iterations are few and visible. */
function iteratesFewTimes(iterable: Node | null): boolean {
  if (!iterable) return false;
  if (['list', 'tuple', 'set'].includes(iterable.type)) return iterable.namedChildCount <= FEW_ITERATIONS;
  if (iterable.type !== 'call' || iterable.childForFieldName('function')?.text !== 'range') return false;
  const args = iterable.childForFieldName('arguments')?.namedChildren ?? [];
  if (args.length === 0 || !args.every((arg) => arg.type === 'integer')) return false;
  const [start, stop] = args.length === 1 ? [0, Number(args[0].text)] : [Number(args[0].text), Number(args[1].text)];
  return stop - start <= FEW_ITERATIONS;
}

/**
 * The innermost loop of the same function that runs `node` once per iteration: a `for` body, a
 * `while` condition or body, a comprehension's element, condition or inner `for`. Not the iterable
 * of a `for` (evaluated once), an `else:` block, or a loop over a short literal.
 */
export function repeatingLoop(node: Node): Node | undefined {
  let child = node;
  for (let current = node.parent; current && !SCOPES.has(current.type); child = current, current = current.parent) {
    if (current.type === 'for_statement' && current.childForFieldName('body')?.id === child.id) {
      if (!iteratesFewTimes(current.childForFieldName('right'))) return current;
    } else if (current.type === 'while_statement' && current.childForFieldName('alternative')?.id !== child.id) {
      return current;
    } else if (COMPREHENSIONS.has(current.type)) {
      const clauses = current.namedChildren.filter((clause) => clause.type === 'for_in_clause');
      const first = clauses[0];
      if (first && child.id === first.id) continue; // the outermost iterable is evaluated once
      if (!(clauses.length === 1 && iteratesFewTimes(first?.childForFieldName('right') ?? null))) return current;
    }
  }
  return undefined;
}
