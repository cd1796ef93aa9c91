import type { Node } from 'web-tree-sitter';
import { resolveFunction } from './callables';

/** Exception classes whose handler catches everything a callback body can reasonably raise. */
const CATCH_ALL = /^(?:builtins\.)?(?:Exception|BaseException)$/;
/** Literals and names: evaluating them cannot raise. */
const INERT_EXPRESSIONS = new Set(['integer', 'float', 'true', 'false', 'none', 'identifier', 'ellipsis']);

function isInertExpression(node: Node | null | undefined): boolean {
  if (!node) return true;
  if (INERT_EXPRESSIONS.has(node.type)) return true;
  if (node.type === 'string') return !node.namedChildren.some((child) => child.type === 'interpolation');
  if (node.type === 'concatenated_string') return node.namedChildren.every(isInertExpression);
  if (node.type === 'unary_operator') return isInertExpression(node.childForFieldName('argument'));
  if (node.type === 'binary_operator') {
    // Integer and float arithmetic that cannot fail (no division, power or shifts).
    const operator = node.childForFieldName('operator')?.type ?? '';
    return ['+', '-', '*', '&', '|', '^'].includes(operator) && node.namedChildren.every(isInertExpression);
  }
  if (INERT_COMPOUNDS.has(node.type)) return node.namedChildren.every(isInertExpression);
  return false;
}

/** Compound expressions that cannot raise when their parts cannot. */
const INERT_COMPOUNDS = new Set([
  'parenthesized_expression', 'tuple', 'expression_list', 'comparison_operator', 'boolean_operator', 'not_operator',
  'conditional_expression',
]);

/** `name`, `a, b` or `self.name`: targets whose assignment cannot raise. */
function isSimpleTarget(target: Node | null): boolean {
  if (!target) return false;
  if (target.type === 'identifier') return true;
  if (target.type === 'pattern_list') return target.namedChildren.every((n) => n.type === 'identifier');
  return target.type === 'attribute' && target.childForFieldName('object')?.text === 'self';
}

/** A statement that cannot raise: `pass`, a docstring, `return n + 1`, `status = -1`, `self.done = True`, `global x`. */
export function isInertStatement(statement: Node): boolean {
  switch (statement.type) {
    case 'pass_statement':
    case 'global_statement':
    case 'nonlocal_statement':
    case 'comment':
      return true;
    case 'return_statement':
      return isInertExpression(statement.namedChildren[0]);
    case 'expression_statement': {
      const [expression] = statement.namedChildren;
      if (expression?.type === 'assignment') {
        return isSimpleTarget(expression.childForFieldName('left')) && isInertExpression(expression.childForFieldName('right'));
      }
      if (expression?.type === 'augmented_assignment') {
        const operator = expression.childForFieldName('operator')?.type ?? '';
        return ['+=', '-=', '|=', '&='].includes(operator) && isSimpleTarget(expression.childForFieldName('left')) && isInertExpression(expression.childForFieldName('right'));
      }
      return statement.namedChildren.every(isInertExpression);
    }
    default:
      return false;
  }
}

/** `except:`, `except Exception:`, `except (OSError, BaseException) as e:`. */
function catchesEverything(clause: Node): boolean {
  let value = clause.childForFieldName('value') ?? clause.namedChildren.find((child) => child.type !== 'block' && child.type !== 'comment');
  if (!value) return true;
  if (value.type === 'as_pattern') value = value.namedChildren[0];
  if (value?.type === 'parenthesized_expression') value = value.namedChildren[0];
  if (value?.type === 'tuple') return value.namedChildren.some((type) => CATCH_ALL.test(type.text));
  return value !== undefined && CATCH_ALL.test(value.text);
}

/** A `raise` in the handler, outside nested functions: the exception (or another) leaves anyway. */
function reraises(handler: Node): boolean {
  const stack = [...handler.namedChildren];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.type === 'raise_statement') return true;
    if (node.type === 'function_definition' || node.type === 'class_definition' || node.type === 'lambda') continue;
    stack.push(...node.namedChildren);
  }
  return false;
}

/** A `try` whose handlers catch everything and do not raise again; its `else` cannot raise. */
function isCatchAllTry(statement: Node): boolean {
  if (statement.type !== 'try_statement') return false;
  const clauses = statement.namedChildren.filter((child) => child.type === 'except_clause');
  const guard = clauses.find(catchesEverything);
  if (!guard || clauses.some(reraises)) return false;
  const otherwise = statement.namedChildren.find((child) => child.type === 'else_clause')?.childForFieldName('body');
  return !otherwise || otherwise.namedChildren.every(isInertStatement);
}

function bodyStatements(fn: Node): Node[] {
  return fn.childForFieldName('body')?.namedChildren.filter((child) => child.type !== 'comment') ?? [];
}

/** `return helper(...)` / `helper(...)`: a body that only hands over to another function. */
function delegateCall(statements: Node[]): Node | undefined {
  if (statements.length !== 1) return undefined;
  const [statement] = statements;
  const expression =
    statement.type === 'return_statement' || statement.type === 'expression_statement' ? statement.namedChildren[0] : undefined;
  return expression?.type === 'call' ? expression : undefined;
}

/**
 * True when an exception raised in `fn` (a `def` or `lambda`) can leave it: its body does
 * something that can raise and is not wrapped, as a whole, in a `try` that catches everything.
 * Leading inert statements (a docstring, `result = 0`) may precede that `try`, inert ones (`return
 * result`) may follow it. A body that only calls another function of the module counts as guarded
 * when that function is, one level deep.
 */
export function exceptionCanEscape(fn: Node, depth = 0): boolean {
  if (fn.type === 'lambda') return !isInertExpression(fn.childForFieldName('body'));
  const statements = bodyStatements(fn);
  const active = statements.filter((statement) => !isInertStatement(statement));
  if (active.length === 0) return false;
  if (active.length === 1 && isCatchAllTry(active[0])) return false;
  const call = delegateCall(active);
  if (call && depth === 0) {
    const callee = resolveFunction(call.childForFieldName('function'));
    const argumentsInert = call.childForFieldName('arguments')?.namedChildren.every(isInertExpression) ?? false;
    if (callee && callee.id !== fn.id && callee.type === 'function_definition' && argumentsInert) {
      return exceptionCanEscape(callee, depth + 1);
    }
  }
  return true;
}
