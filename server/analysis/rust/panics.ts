import type { Node } from 'web-tree-sitter';

/** Macros that panic when reached (the debug_ ones in debug builds). */
const PANICKING_MACROS = new Set([
  'panic', 'unreachable', 'todo', 'unimplemented', 'assert', 'assert_eq', 'assert_ne', 'debug_assert', 'debug_assert_eq', 'debug_assert_ne',
]);
/** Calls whose closure arguments run under a panic guard: `catch_unwind`, `ffi_guard`, pyo3's `trampoline`… */
const PANIC_GUARD = /catch_unwind|catch_panic|panic_guard|abort_on_panic|ffi_guard|guard_panic|trampoline/i;
/** Calls whose closure arguments run on another thread, not in this frame. */
const ELSEWHERE = /^(?:spawn|spawn_blocking|spawn_local|spawn_scoped)$/;
/** Nodes whose contents do not run as part of the enclosing function body. */
const SEPARATE_BODIES = new Set(['function_item', 'impl_item', 'mod_item', 'trait_item', 'const_item', 'static_item']);

function lastName(callee: Node | null): string | undefined {
  if (!callee) return undefined;
  if (callee.type === 'identifier') return callee.text;
  if (callee.type === 'scoped_identifier') return callee.childForFieldName('name')?.text;
  if (callee.type === 'field_expression') return callee.childForFieldName('field')?.text;
  if (callee.type === 'generic_function') return lastName(callee.childForFieldName('function'));
  return undefined;
}

/** A closure passed straight to a panic guard or a thread spawner: its panics do not reach this frame. */
function isGuardedClosure(closure: Node): boolean {
  let call = closure.parent?.type === 'arguments' ? closure.parent.parent : null;
  // `catch_unwind(AssertUnwindSafe(|| …))`: look through the wrapper to the call it is given to.
  while (call?.type === 'call_expression' && lastName(call.childForFieldName('function')) === 'AssertUnwindSafe') {
    call = call.parent?.type === 'arguments' ? call.parent.parent : null;
  }
  if (call?.type !== 'call_expression') return false;
  const callee = call.childForFieldName('function');
  const name = lastName(callee) ?? '';
  return PANIC_GUARD.test(callee?.text ?? '') || ELSEWHERE.test(name);
}

const FLOAT_TYPES = /^f(?:32|64)$/;

/** Names declared with a float type in `body`'s function (`x: f64`, `let y: f32`, `let z = 1.0`). */
function floatNames(fn: Node): Set<string> {
  const names = new Set<string>();
  for (const node of fn.descendantsOfType(['parameter', 'let_declaration'])) {
    const pattern = node.childForFieldName('pattern');
    const type = node.childForFieldName('type');
    const value = node.childForFieldName('value');
    const isFloat = (type && FLOAT_TYPES.test(type.text)) || value?.type === 'float_literal' || /\bas\s+f(?:32|64)\s*$/.test(value?.text ?? '');
    if (pattern?.type === 'identifier' && isFloat) names.add(pattern.text);
  }
  return names;
}

/** An operand that is a constant: a literal, an ALL_CAPS constant, a `size_of` call. */
function isConstant(node: Node): boolean {
  const inner = node.type === 'parenthesized_expression' ? node.namedChild(0) : node;
  if (!inner) return false;
  if (inner.type === 'integer_literal' || inner.type === 'float_literal') return true;
  if (inner.type === 'identifier' || inner.type === 'scoped_identifier') return /^[A-Z][A-Z0-9_]*$/.test(lastName(inner) ?? '');
  return inner.type === 'call_expression' && /size_of|align_of/.test(inner.childForFieldName('function')?.text ?? '');
}

function isFloatOperand(node: Node, floats: Set<string>): boolean {
  if (node.type === 'float_literal') return true;
  if (node.type === 'identifier') return floats.has(node.text);
  if (node.type === 'type_cast_expression') return FLOAT_TYPES.test(node.childForFieldName('type')?.text ?? '');
  return false;
}

/** `CString::new("literal without NUL")`: a Result that is always Ok. */
function isInfallible(receiver: Node | null): boolean {
  if (receiver?.type !== 'call_expression' || !/(?:^|::)CString::new$/.test(receiver.childForFieldName('function')?.text ?? '')) return false;
  const [argument] = receiver.childForFieldName('arguments')?.namedChildren ?? [];
  return argument?.type === 'string_literal' && !/\\(?:0|x00|u\{0+\})/.test(argument.text);
}

/** Whether `node` itself can panic: unwrap/expect, a panicking macro, indexing, division by a variable. */
function panics(node: Node, floats: Set<string>): boolean {
  switch (node.type) {
    case 'call_expression': {
      const callee = node.childForFieldName('function');
      if (callee?.type !== 'field_expression') return false;
      const method = callee.childForFieldName('field')?.text;
      const count = node.childForFieldName('arguments')?.namedChildren.filter((child) => child && child.type !== 'line_comment').length ?? 0;
      const unwraps = ((method === 'unwrap' || method === 'unwrap_err') && count === 0) || ((method === 'expect' || method === 'expect_err') && count === 1);
      return unwraps && !isInfallible(callee.childForFieldName('value'));
    }
    case 'macro_invocation':
      return PANICKING_MACROS.has(lastName(node.childForFieldName('macro')) ?? '');
    case 'index_expression': {
      const index = node.namedChild(1);
      return !(index?.type === 'range_expression' && index.namedChildCount === 0);
    }
    case 'binary_expression':
    case 'compound_assignment_expr': {
      const operator = node.childForFieldName('operator')?.text;
      if (operator !== '/' && operator !== '%' && operator !== '/=' && operator !== '%=') return false;
      const left = node.childForFieldName('left');
      const right = node.childForFieldName('right');
      if (!left || !right || isConstant(right)) return false;
      return !isFloatOperand(left, floats) && !isFloatOperand(right, floats);
    }
    default:
      return false;
  }
}

/**
 * The first expression of the function body, in source order, that can panic in this frame:
 * closures handed to `catch_unwind` (or a similar guard) or to a thread spawner, and nested items,
 * are skipped.
 */
export function firstPanic(fn: Node, body: Node): Node | undefined {
  const floats = floatNames(fn);
  const stack: Node[] = [body];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.id !== body.id && SEPARATE_BODIES.has(node.type)) continue;
    if (node.type === 'closure_expression' && isGuardedClosure(node)) continue;
    if (panics(node, floats)) return node;
    for (let index = node.namedChildCount - 1; index >= 0; index--) {
      const child = node.namedChild(index);
      if (child) stack.push(child);
    }
  }
  return undefined;
}
