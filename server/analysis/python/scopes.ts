import type { Node } from 'web-tree-sitter';

/** Nodes that open a new Python name scope. */
const SCOPE_OWNERS = ['function_definition', 'class_definition', 'lambda'];

/**
 * Nodes of the given types that belong to `scope` itself (a module, a function or a class): the
 * walk does not enter nested functions, classes or lambdas, though it reports those nodes
 * themselves when asked for their type. Iterative, in document order.
 */
export function nodesInScope(scope: Node, types: readonly string[]): Node[] {
  const start = scope.type === 'module' ? scope : scope.childForFieldName('body');
  if (!start) return [];
  const found: Node[] = [];
  const stack: Node[] = [...start.namedChildren].reverse();
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (types.includes(node.type)) found.push(node);
    if (SCOPE_OWNERS.includes(node.type)) continue;
    for (let i = node.namedChildCount - 1; i >= 0; i--) stack.push(node.namedChild(i)!);
  }
  return found;
}

/** The innermost function, class or module whose scope `node` is evaluated in. */
export function enclosingScope(node: Node): Node {
  for (let current = node.parent; current; current = current.parent) {
    if (current.type === 'function_definition' || current.type === 'class_definition' || current.type === 'module') {
      // A function's name, decorators and defaults are evaluated outside it; only its body is inside.
      if (current.type !== 'module' && !isInsideBody(node, current)) continue;
      return current;
    }
    if (current.type === 'lambda') return current;
  }
  return node.tree.rootNode;
}

function isInsideBody(node: Node, owner: Node): boolean {
  const body = owner.childForFieldName('body');
  return body !== null && node.startIndex >= body.startIndex && node.endIndex <= body.endIndex;
}

/** The names a function declares `global` or `nonlocal`: they are not its locals. */
export function nonLocalNames(fn: Node): Set<string> {
  const names = new Set<string>();
  for (const statement of nodesInScope(fn, ['global_statement', 'nonlocal_statement'])) {
    for (const name of statement.namedChildren) if (name.type === 'identifier') names.add(name.text);
  }
  return names;
}

/** The top-level statement of the module that contains `node`, if `node` is inside one. */
export function moduleStatementOf(node: Node): Node | undefined {
  let current: Node | null = node;
  while (current?.parent && current.parent.type !== 'module') current = current.parent;
  return current?.parent?.type === 'module' ? current : undefined;
}

/** The name of a `def` (or of the function a decorated definition wraps). */
export function functionName(fn: Node): string | undefined {
  return fn.type === 'function_definition' ? fn.childForFieldName('name')?.text : undefined;
}

/** The parameter names of a `def` or `lambda`, in order. */
export function parameterNames(fn: Node): string[] {
  const parameters = fn.childForFieldName('parameters');
  if (!parameters) return [];
  return parameters.namedChildren.flatMap((parameter) => {
    if (parameter.type === 'identifier') return [parameter.text];
    const name = parameter.childForFieldName('name') ?? parameter.namedChildren.find((child) => child.type === 'identifier');
    return name ? [name.text] : [];
  });
}
