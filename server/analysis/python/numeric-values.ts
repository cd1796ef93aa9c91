import type { Node } from 'web-tree-sitter';

/**
 * What kind of number a Python expression is, when its syntax alone says so: a float (`1.5`,
 * `x / 2`, `math.sqrt(x)`), or an integer constant made of literals (`1 << 40`). Names are not
 * followed here; a caller that can follow them passes `nameIsFloat`.
 */

/** `math` functions that return an `int` or a `bool`, not a float. */
const MATH_NON_FLOAT = new Set([
  'floor', 'ceil', 'trunc', 'gcd', 'lcm', 'factorial', 'isqrt', 'comb', 'perm', 'isnan', 'isinf', 'isfinite', 'isclose',
]);
const MATH_FLOAT_CONSTANTS = new Set(['pi', 'e', 'tau', 'inf', 'nan']);
const TIME_FLOAT_CALLS = new Set(['time.time', 'time.monotonic', 'time.perf_counter', 'time.process_time']);
/** Literals that make an arithmetic operator mean something other than numbers (`"%s" % x`, `[0] * n`). */
const NON_NUMERIC_LITERALS = new Set(['string', 'concatenated_string', 'list', 'tuple', 'dictionary', 'set', 'list_comprehension']);

function unparenthesized(node: Node): Node {
  let current = node;
  while (current.type === 'parenthesized_expression' && current.namedChildCount === 1) current = current.namedChild(0)!;
  return current;
}

/** The value of an integer literal (`0x_ff`, `10`, `0o7`), or undefined for anything else (`1j`). */
function integerLiteral(text: string): bigint | undefined {
  const digits = text.replace(/_/g, '').replace(/[lL]$/, '');
  if (/[jJ]$/.test(digits)) return undefined;
  try {
    if (/^0[oO]/.test(digits)) return BigInt(`0o${digits.slice(2)}`);
    if (/^0\d/.test(digits)) return BigInt(`0o${digits.slice(1)}`); // Python 2 octal
    return BigInt(digits);
  } catch {
    return undefined;
  }
}

/** The value of an integer expression made only of literals and arithmetic, or undefined. */
export function integerConstant(expression: Node): bigint | undefined {
  const node = unparenthesized(expression);
  if (node.type === 'integer') return integerLiteral(node.text);
  if (node.type === 'unary_operator') {
    const operand = node.childForFieldName('argument');
    const value = operand ? integerConstant(operand) : undefined;
    if (value === undefined) return undefined;
    const operator = node.childForFieldName('operator')?.text;
    return operator === '-' ? -value : operator === '~' ? ~value : value;
  }
  if (node.type === 'binary_operator') {
    const left = node.childForFieldName('left');
    const right = node.childForFieldName('right');
    const a = left ? integerConstant(left) : undefined;
    const b = right ? integerConstant(right) : undefined;
    if (a === undefined || b === undefined) return undefined;
    switch (node.childForFieldName('operator')?.text) {
      case '+': return a + b;
      case '-': return a - b;
      case '*': return a * b;
      case '|': return a | b;
      case '&': return a & b;
      case '^': return a ^ b;
      case '<<': return b >= 0n && b <= 128n ? a << b : undefined;
      case '>>': return b >= 0n && b <= 128n ? a >> b : undefined;
      case '**': return b >= 0n && b <= 128n ? a ** b : undefined;
      default: return undefined;
    }
  }
  return undefined;
}

function isNumber(node: Node, nameIsFloat: (name: Node) => boolean): boolean {
  return integerConstant(node) !== undefined || isFloatExpression(node, nameIsFloat);
}

/**
 * True when the expression certainly evaluates to a Python float: a float literal, arithmetic with
 * one, true division of numbers, `float(...)`, a `math` function or constant, `time.time()`.
 */
export function isFloatExpression(expression: Node, nameIsFloat: (name: Node) => boolean = () => false): boolean {
  const node = unparenthesized(expression);
  switch (node.type) {
    case 'float':
      return !/[jJ]$/.test(node.text);
    case 'identifier':
      return nameIsFloat(node);
    case 'unary_operator': {
      const operand = node.childForFieldName('argument');
      return node.childForFieldName('operator')?.text !== '~' && operand !== null && isFloatExpression(operand, nameIsFloat);
    }
    case 'binary_operator': {
      const left = node.childForFieldName('left');
      const right = node.childForFieldName('right');
      if (!left || !right) return false;
      const operator = node.childForFieldName('operator')?.text;
      if ([left, right].some((side) => NON_NUMERIC_LITERALS.has(unparenthesized(side).type))) return false;
      if (operator === '/') return isNumber(left, nameIsFloat) || isNumber(right, nameIsFloat);
      if (operator === '%') return isFloatExpression(left, nameIsFloat);
      if (['+', '-', '*', '//', '**'].includes(operator ?? '')) {
        return isFloatExpression(left, nameIsFloat) || isFloatExpression(right, nameIsFloat);
      }
      return false;
    }
    case 'attribute':
      return node.childForFieldName('object')?.text === 'math' && MATH_FLOAT_CONSTANTS.has(node.childForFieldName('attribute')?.text ?? '');
    case 'call': {
      const callee = node.childForFieldName('function');
      if (!callee) return false;
      if (callee.type === 'identifier') return callee.text === 'float' && nameIsBuiltin(callee);
      if (callee.type !== 'attribute') return false;
      if (TIME_FLOAT_CALLS.has(callee.text)) return true;
      const name = callee.childForFieldName('attribute')?.text ?? '';
      return callee.childForFieldName('object')?.text === 'math' && !MATH_NON_FLOAT.has(name) && !name.startsWith('_');
    }
    default:
      return false;
  }
}

/** `float` is the builtin unless the module defines or imports something by that name. */
function nameIsBuiltin(name: Node): boolean {
  const root = name.tree.rootNode;
  return !root
    .descendantsOfType(['function_definition', 'class_definition', 'aliased_import', 'dotted_name'])
    .some((node) => (node.childForFieldName('name') ?? node.childForFieldName('alias') ?? node)?.text === name.text);
}
