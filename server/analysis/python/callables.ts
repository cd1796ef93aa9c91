import type { Node } from 'web-tree-sitter';
import { enclosingScope, nodesInScope, parameterNames } from './scopes';

/** A Python function a module defines: a `def` or a `lambda`. */
export type PythonFunction = Node;

/** The `def` named `name` in `scope` itself, when there is exactly one. */
export function functionDefinedIn(scope: Node, name: string): Node | undefined {
  const matches = nodesInScope(scope, ['function_definition']).filter((fn) => fn.childForFieldName('name')?.text === name);
  return matches.length === 1 ? matches[0] : undefined;
}

/** The scopes a name used at `node` is looked up in, innermost first (class bodies only when innermost). */
function lookupChain(node: Node): Node[] {
  const chain: Node[] = [];
  for (let scope = enclosingScope(node); ; scope = enclosingScope(scope)) {
    if (scope.type !== 'class_definition' || chain.length === 0) chain.push(scope);
    if (scope.type === 'module') return chain;
  }
}

/** The class whose method `node` is in (for `self.x` / `cls.x`). */
function enclosingClass(node: Node): Node | undefined {
  const method = lookupChain(node).find((scope) => scope.type === 'function_definition');
  const owner = method ? enclosingScope(method) : undefined;
  return owner?.type === 'class_definition' ? owner : undefined;
}

/**
 * The Python function an expression denotes, when the module says so unambiguously: a lambda, the
 * one `def` of that name visible from the expression, `self.method` / `cls.method` of the
 * enclosing class, or the function wrapped by `functools.partial(fn, ...)`.
 */
export function resolveFunction(expression: Node | null): PythonFunction | undefined {
  if (!expression) return undefined;
  if (expression.type === 'parenthesized_expression') return resolveFunction(expression.namedChildren[0] ?? null);
  if (expression.type === 'lambda') return expression;
  if (expression.type === 'identifier') {
    for (const scope of lookupChain(expression)) {
      const fn = functionDefinedIn(scope, expression.text);
      if (fn) return fn;
      if (scope.type !== 'module' && declaresName(scope, expression.text)) return undefined;
    }
    return undefined;
  }
  if (expression.type === 'attribute') {
    const object = expression.childForFieldName('object');
    const name = expression.childForFieldName('attribute')?.text;
    if (!name || (object?.text !== 'self' && object?.text !== 'cls')) return undefined;
    const owner = enclosingClass(expression);
    return owner ? functionDefinedIn(owner, name) : undefined;
  }
  if (expression.type === 'call' && /^(?:functools\.)?partial$/.test(expression.childForFieldName('function')?.text ?? '')) {
    return resolveFunction(expression.childForFieldName('arguments')?.namedChildren[0] ?? null);
  }
  return undefined;
}

/** True when `scope` binds `name` as a parameter or by assignment (so an outer `def` is hidden). */
function declaresName(scope: Node, name: string): boolean {
  if (parameterNames(scope).includes(name)) return true;
  return nodesInScope(scope, ['assignment']).some((assignment) => assignment.childForFieldName('left')?.text === name);
}

/** The `@decorator` lines of a `def`, outermost first. */
export function decoratorsOf(fn: Node): Node[] {
  return fn.parent?.type === 'decorated_definition' ? fn.parent.namedChildren.filter((child) => child.type === 'decorator') : [];
}

/** The expression of a `@decorator` line. */
export function decoratorExpression(decorator: Node): Node | undefined {
  return decorator.namedChildren.find((child) => child.type !== 'comment');
}
