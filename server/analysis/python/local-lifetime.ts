import type { Node } from 'web-tree-sitter';
import { nodesInScope, nonLocalNames, parameterNames } from './scopes';

/**
 * Whether a local variable of a function dies with the call: it is bound only in `fn` (not a
 * parameter, not `global`/`nonlocal`), every binding passes `isOwnBinding`, and every other use of
 * the name passes `isHarmlessUse` (a use that cannot store the object anywhere). Uses inside nested
 * functions or lambdas count as escapes: a closure may outlive the call.
 */
export function localDiesWithCall(
  fn: Node,
  name: string,
  isOwnBinding: (identifier: Node) => boolean,
  isHarmlessUse: (identifier: Node) => boolean,
): boolean {
  if (fn.type !== 'function_definition' || parameterNames(fn).includes(name) || nonLocalNames(fn).has(name)) return false;
  const body = fn.childForFieldName('body');
  if (!body) return false;
  for (const identifier of body.descendantsOfType('identifier')) {
    if (identifier.text !== name || isAttributeName(identifier) || isKeywordName(identifier)) continue;
    if (isOwnBinding(identifier)) continue;
    if (!isHarmlessUse(identifier)) return false;
  }
  return true;
}

/** `obj.name`: the attribute part is not a use of the variable `name`. */
function isAttributeName(identifier: Node): boolean {
  return identifier.parent?.type === 'attribute' && identifier.parent.childForFieldName('attribute')?.id === identifier.id;
}

/** `f(name=...)`: a keyword is not a use of the variable. */
function isKeywordName(identifier: Node): boolean {
  return identifier.parent?.type === 'keyword_argument' && identifier.parent.childForFieldName('name')?.id === identifier.id;
}

/** True when `fn` contains `yield` or `await` in its own scope: it can pause with its locals alive. */
export function suspends(fn: Node): boolean {
  return nodesInScope(fn, ['yield', 'await']).length > 0;
}

/** Statements of `fn`'s own scope that start after `node` ends, innermost and outermost alike. */
export function statementsAfter(fn: Node, node: Node): Node[] {
  return nodesInScope(fn, STATEMENT_TYPES).filter((statement) => statement.startIndex >= node.endIndex);
}

const STATEMENT_TYPES = [
  'expression_statement', 'return_statement', 'if_statement', 'for_statement', 'while_statement', 'try_statement',
  'with_statement', 'raise_statement', 'pass_statement', 'assert_statement', 'delete_statement', 'match_statement',
  'function_definition', 'class_definition', 'decorated_definition', 'break_statement', 'continue_statement',
  'global_statement', 'nonlocal_statement', 'import_statement', 'import_from_statement', 'exec_statement',
];
