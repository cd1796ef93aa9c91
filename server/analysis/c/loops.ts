import type { Node } from 'web-tree-sitter';
import { stripParentheses } from './expressions';

export const LOOP_TYPES: ReadonlySet<string> = new Set(['for_statement', 'while_statement', 'do_statement', 'for_range_loop']);
const FUNCTION_BOUNDARIES = new Set(['function_definition', 'lambda_expression']);

/** The loops around `node`, innermost first, up to the function that holds it. */
export function enclosingLoops(node: Node): Node[] {
  const loops: Node[] = [];
  for (let current = node.parent; current && !FUNCTION_BOUNDARIES.has(current.type); current = current.parent) {
    if (LOOP_TYPES.has(current.type)) loops.push(current);
  }
  return loops;
}

/** `for`, `while`, `do` or `for (… : …)`, as a user would name the loop. */
export function loopKeyword(loop: Node): string {
  switch (loop.type) {
    case 'while_statement':
      return 'while';
    case 'do_statement':
      return 'do';
    default:
      return 'for';
  }
}

/** Integer constants the file defines by name: `#define N 4`, `const int N = 4`, `enum { N = 4 }`. */
export function readIntegerConstants(root: Node): Map<string, number> {
  const constants = new Map<string, number>();
  for (const definition of root.descendantsOfType('preproc_def')) {
    const name = definition?.childForFieldName('name')?.text;
    const value = definition?.childForFieldName('value')?.text.trim();
    if (name && value && /^\(?\s*\d+[uUlL]*\s*\)?$/.test(value)) constants.set(name, parseInt(value.replace(/[^\d]/g, ''), 10));
  }
  for (const enumerator of root.descendantsOfType('enumerator')) {
    const name = enumerator?.childForFieldName('name')?.text;
    const value = enumerator?.childForFieldName('value');
    if (name && value?.type === 'number_literal') constants.set(name, parseInt(value.text, 10));
  }
  for (const declarator of root.descendantsOfType('init_declarator')) {
    const declaration = declarator?.parent;
    if (!declarator || declaration?.type !== 'declaration' || !/\b(?:const|constexpr)\b/.test(declaration.text.split('=')[0])) continue;
    const name = declarator.childForFieldName('declarator');
    const value = declarator.childForFieldName('value');
    if (name?.type === 'identifier' && value?.type === 'number_literal') constants.set(name.text, parseInt(value.text, 10));
  }
  return constants;
}

/** Element counts of arrays declared with an initializer list: `static const char *names[] = {"a", "b"}` → 2. */
function arrayLengths(root: Node): Map<string, number> {
  const lengths = new Map<string, number>();
  for (const declarator of root.descendantsOfType('init_declarator')) {
    const target = declarator?.childForFieldName('declarator');
    const value = declarator?.childForFieldName('value');
    if (!target || value?.type !== 'initializer_list') continue;
    let name: Node | null = target;
    let isArray = false;
    while (name && name.type !== 'identifier') {
      if (name.type === 'array_declarator') isArray = true;
      name = name.childForFieldName('declarator');
    }
    if (name && isArray) lengths.set(name.text, value.namedChildren.filter((c) => c?.type !== 'comment').length);
  }
  return lengths;
}

export interface LoopBounds {
  constants: Map<string, number>;
  arrays: Map<string, number>;
}

export function readLoopBounds(root: Node): LoopBounds {
  return { constants: readIntegerConstants(root), arrays: arrayLengths(root) };
}

/** The value of a bound expression when it is a small known number: `8`, `N`, `sizeof(a) / sizeof(a[0])`, `std::size(a)`. */
function boundValue(node: Node, bounds: LoopBounds): number | undefined {
  const value = stripParentheses(node);
  if (value.type === 'number_literal' && /^\d+[uUlL]*$/.test(value.text)) return parseInt(value.text, 10);
  if (value.type === 'identifier') return bounds.constants.get(value.text);
  const text = value.text.replace(/\s+/g, '');
  const sized =
    /^sizeof\(?(\w+)\)?\/sizeof(?:\(.+\)|\*?\w+(?:\[0\])?)$/.exec(text) ??
    /^(?:ARRAY_SIZE|ARRAYSIZE|countof|_countof|NELEM|NELEMS|std::size|arraysize)\((\w+)\)$/i.exec(text);
  return sized ? bounds.arrays.get(sized[1]) : undefined;
}

/**
 * True when the loop runs at most `limit` times by its header: `for (i = 0; i < 3; i++)`,
 * `i <= N` with a small constant N, a count of a small initialised array, or a range-for over a
 * braced list.
 */
export function hasSmallConstantBound(loop: Node, bounds: LoopBounds, limit: number): boolean {
  if (loop.type === 'for_range_loop') {
    const range = loop.childForFieldName('right');
    if (range?.type === 'initializer_list') return range.namedChildCount <= limit;
    if (range?.type === 'identifier') {
      const length = bounds.arrays.get(range.text);
      return length !== undefined && length <= limit;
    }
    return false;
  }
  if (loop.type !== 'for_statement') return false;
  const condition = loop.childForFieldName('condition');
  if (!condition) return false;
  const test = stripParentheses(condition);
  if (test.type !== 'binary_expression') return false;
  const operator = test.childForFieldName('operator')?.text;
  const left = test.childForFieldName('left');
  const right = test.childForFieldName('right');
  if (!left || !right) return false;
  let bound: number | undefined;
  if (operator === '<' || operator === '!=') bound = boundValue(right, bounds);
  else if (operator === '<=') bound = (boundValue(right, bounds) ?? Infinity) + 1;
  else if (operator === '>') bound = boundValue(left, bounds);
  else if (operator === '>=') bound = (boundValue(left, bounds) ?? Infinity) + 1;
  return bound !== undefined && bound <= limit;
}

const BREAKABLE = new Set([...LOOP_TYPES, 'switch_statement']);

/** True for a statement that leaves `loop` for good: return, throw, goto, or a break that belongs to it. */
function exitsLoop(statement: Node, loop: Node): boolean {
  switch (statement.type) {
    case 'return_statement':
    case 'goto_statement':
      return true;
    case 'expression_statement':
      return statement.namedChildren.some((child) => child?.type === 'throw_expression');
    case 'throw_statement':
      return true;
    case 'break_statement': {
      for (let current = statement.parent; current; current = current.parent) {
        if (BREAKABLE.has(current.type)) return current.id === loop.id;
      }
      return false;
    }
    default:
      return false;
  }
}

/**
 * True when, once `node` has run, the iteration certainly leaves the loop: a statement after it in
 * its own block, or in an enclosing block inside the loop, returns, throws, jumps away or breaks out.
 * Such code runs at most once per loop, on its way out (typically an error path).
 */
export function leavesLoopAfter(node: Node, loop: Node): boolean {
  for (let current: Node = node; current.parent && current.id !== loop.id; current = current.parent) {
    const block = current.parent;
    if (block.type !== 'compound_statement') continue;
    for (let next = current.nextNamedSibling; next; next = next.nextNamedSibling) {
      if (exitsLoop(next, loop)) return true;
    }
  }
  return false;
}
