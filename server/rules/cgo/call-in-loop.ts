import type { Node } from 'web-tree-sitter';
import { crossingCFunction, preambleTypedefs } from '../../analysis/go/c-calls';
import { importsC } from '../../analysis/go/cgo';
import { shortText, unparenthesize } from '../../analysis/go/expressions';
import { isChannel } from '../../analysis/go/channels';
import { fileBindings } from '../../analysis/go/file-bindings';
import { GO_FUNCTIONS, type LocalBindings } from '../../analysis/go/local-bindings';
import { defineRule } from '../../engine/rule';

/** Loops with at most this many iterations, written as a constant, are not worth batching. */
const SMALL_BOUND = 16;

/** Cleanup calls: a loop that frees what it allocated is not the per-item work worth batching. */
const CLEANUP = /(?:^|_)(?:free|unref|destroy|release|delete|finalize|close|dispose)$/i;

/** cgo's allocating converters: per-element marshalling that counts only next to a real C call. */
const MARSHALLING = new Set(['CString', 'CBytes']);

/** Statements that leave the loop iteration: a block ending in one of them is an early exit path. */
function endsEarly(block: Node): boolean {
  const list = block.namedChildren.find((child) => child.type === 'statement_list') ?? block;
  const statements = list.namedChildren.filter((child) => child.type !== 'comment');
  const last = statements[statements.length - 1];
  if (!last) return false;
  if (['return_statement', 'break_statement', 'continue_statement', 'goto_statement'].includes(last.type)) return true;
  const call = last.type === 'expression_statement' ? last.namedChild(0) : null;
  const callee = call?.type === 'call_expression' ? call.childForFieldName('function')?.text : undefined;
  return callee === 'panic' || callee === 'log.Fatal' || callee === 'log.Fatalf' || callee === 'log.Panicf' || callee === 'os.Exit';
}

/** An integer constant written in the file: a literal, or a `const` of a literal. */
function constantValue(node: Node | null, constants: ReadonlyMap<string, number>): number | undefined {
  if (!node) return undefined;
  const inner = unparenthesize(node);
  if (inner.type === 'int_literal') return Number(inner.text.replace(/_/g, ''));
  if (inner.type === 'identifier') return constants.get(inner.text);
  return undefined;
}

function fileConstants(root: Node): Map<string, number> {
  const constants = new Map<string, number>();
  for (const spec of root.descendantsOfType('const_spec')) {
    const names = spec.childrenForFieldName('name');
    const values = spec.childForFieldName('value')?.namedChildren ?? [];
    names.forEach((name, index) => {
      const value = values[index];
      if (name && value?.type === 'int_literal') constants.set(name.text, Number(value.text.replace(/_/g, '')));
    });
  }
  return constants;
}

/**
 * The composite literal a ranged expression stands for: the expression itself, or a local variable
 * declared once in the enclosing function as `name := []T{...}` (and not assigned again).
 */
function smallLiteralOf(expression: Node, loop: Node): Node {
  if (expression.type !== 'identifier') return expression;
  let body: Node | null = loop.parent;
  while (body && !GO_FUNCTIONS.includes(body.type)) body = body.parent;
  if (!body) return expression;
  let literal: Node | undefined;
  let writes = 0;
  for (const statement of body.descendantsOfType(['short_var_declaration', 'assignment_statement', 'var_spec'])) {
    const left = statement.type === 'var_spec' ? statement.childrenForFieldName('name') : (statement.childForFieldName('left')?.namedChildren ?? []);
    const right = statement.type === 'var_spec' ? statement.childForFieldName('value')?.namedChildren : statement.childForFieldName('right')?.namedChildren;
    left.forEach((name, index) => {
      if (name?.text !== expression.text) return;
      writes++;
      const value = right?.[index];
      if (value?.type === 'composite_literal') literal = value;
    });
  }
  return writes === 1 && literal ? literal : expression;
}

interface Loop {
  /** How the message names the loop: `i`, `row`, or the ranged expression. */
  variable: string;
  small: boolean;
}

/** A range loop or a counted loop (with a condition); undefined for `for {}` and `for cond {}`. */
function describeLoop(loop: Node, constants: ReadonlyMap<string, number>, bindings: LocalBindings): Loop | undefined {
  const clause = loop.namedChildren.find((child) => child.type === 'for_clause' || child.type === 'range_clause');
  if (!clause) return undefined;
  if (clause.type === 'range_clause') {
    const left = clause.childForFieldName('left');
    const right = clause.childForFieldName('right');
    // A worker ranging over a channel handles jobs as they arrive: nothing to batch.
    if (!right || isChannel(right, bindings)) return undefined;
    const names = left?.namedChildren.map((child) => child.text).filter((name) => name !== '_') ?? [];
    const variable = names[names.length - 1] ?? shortText(right, 32);
    const count = constantValue(right, constants);
    const literal = smallLiteralOf(unparenthesize(right), loop);
    const elements = literal.type === 'composite_literal' ? literal.childForFieldName('body')?.namedChildCount : undefined;
    const small = (count !== undefined && count <= SMALL_BOUND) || (elements !== undefined && elements <= SMALL_BOUND);
    return { variable, small };
  }
  const condition = clause.childForFieldName('condition');
  if (!condition) return undefined;
  const initializer = clause.childForFieldName('initializer');
  const variable = initializer?.childForFieldName('left')?.namedChild(0)?.text ?? shortText(condition, 32);
  let small = false;
  if (condition.type === 'binary_expression') {
    const operator = condition.childForFieldName('operator')?.type;
    const bound = constantValue(condition.childForFieldName('right'), constants);
    const start = constantValue(initializer?.childForFieldName('right')?.namedChild(0) ?? null, constants);
    if (bound !== undefined && (operator === '<' || operator === '<=')) small = bound - (start ?? 0) <= SMALL_BOUND;
    const lower = constantValue(condition.childForFieldName('right'), constants);
    if (lower !== undefined && (operator === '>' || operator === '>=') && start !== undefined) small = start - lower <= SMALL_BOUND;
  }
  return { variable, small };
}

export default defineRule({
  id: 'cgo/call-in-loop',
  languages: ['go'],
  severity: 'info',
  questions: [22, 30],
  description: 'A C function is called once per iteration of a range or counted loop: every iteration pays the cgo crossing cost.',
  messages: {
    perIteration:
      '`C.{{function}}` is called once per iteration of the loop over `{{variable}}`: each cgo call costs tens of nanoseconds and ties the goroutine to its OS thread. Batch the work: one C call that takes the whole slice (loop on the C side).',
  },
  fixable: false,
  triggers: ['"C"', '`C`'],
  check(context) {
    if (context.filePath.endsWith('_test.go')) return;
    if (!importsC(context.root)) return;
    const typedefs = context.shared(preambleTypedefs);
    const constants = context.shared(fileConstants);
    const bindings = context.shared(fileBindings);
    // Per loop, its C calls in document order; reported at the first one when one of them is a real C function.
    const loops = new Map<number, { loop: Loop; calls: { call: Node; name: string }[] }>();
    for (const call of context.root.descendantsOfType('call_expression')) {
      const name = crossingCFunction(call, typedefs);
      if (name === undefined || CLEANUP.test(name)) continue;
      const loop = enclosingBatchableLoop(call, constants, bindings);
      if (!loop) continue;
      const entry = loops.get(loop.node.id) ?? { loop, calls: [] };
      entry.calls.push({ call, name });
      loops.set(loop.node.id, entry);
    }
    for (const { loop, calls } of loops.values()) {
      if (calls.every(({ name }) => MARSHALLING.has(name))) continue;
      const [{ call, name }] = calls;
      context.report({ node: call.childForFieldName('function') ?? call, messageId: 'perIteration', data: { function: name, variable: loop.variable } });
    }
  },
});

/**
 * The innermost range or counted loop around `call` in the same function, unless the call sits in
 * the loop's header, on an early-exit path, or only inside loops with a small constant bound.
 */
function enclosingBatchableLoop(call: Node, constants: ReadonlyMap<string, number>, bindings: LocalBindings): (Loop & { node: Node }) | undefined {
  let child: Node = call;
  for (let node = call.parent; node; child = node, node = node.parent) {
    if (GO_FUNCTIONS.includes(node.type)) return undefined;
    if (node.type === 'if_statement' && child.id === node.childForFieldName('consequence')?.id && endsEarly(child)) return undefined;
    if (node.type === 'if_statement' && child.id === node.childForFieldName('alternative')?.id && child.type === 'block' && endsEarly(child)) return undefined;
    if (node.type !== 'for_statement') continue;
    if (child.id !== node.childForFieldName('body')?.id) continue;
    const loop = describeLoop(node, constants, bindings);
    if (!loop || loop.small) continue;
    return { ...loop, node };
  }
  return undefined;
}
