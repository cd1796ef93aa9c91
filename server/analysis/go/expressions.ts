import type { Node } from 'web-tree-sitter';

/** The expression inside any number of parentheses. */
export function unparenthesize(node: Node): Node {
  let current = node;
  while (current.type === 'parenthesized_expression' && current.namedChildCount === 1) {
    const inner = current.namedChild(0);
    if (!inner) break;
    current = inner;
  }
  return current;
}

/** The operator of a unary expression (`&`, `*`, `-`…), or undefined for any other node. */
export function unaryOperator(node: Node): string | undefined {
  return node.type === 'unary_expression' ? node.childForFieldName('operator')?.type : undefined;
}

/** `pkg.Name` as a callee or a value: the package and the name, when the operand is a bare identifier. */
export function qualifiedName(node: Node | null): { package: string; name: string } | undefined {
  if (node?.type !== 'selector_expression') return undefined;
  const operand = node.childForFieldName('operand');
  const field = node.childForFieldName('field');
  if (operand?.type !== 'identifier' || !field) return undefined;
  return { package: operand.text, name: field.text };
}

/** The arguments of a call, without the punctuation. */
export function callArguments(call: Node): Node[] {
  return call.childForFieldName('arguments')?.namedChildren ?? [];
}

/** The single argument of `pkg.name(x)` (or of the builtin `name(x)` when `pkg` is omitted). */
export function argumentOfCall(node: Node, pkg: string | undefined, names: readonly string[]): Node | undefined {
  if (node.type !== 'call_expression') return undefined;
  const callee = node.childForFieldName('function');
  const matches = pkg
    ? (() => {
        const qualified = qualifiedName(callee);
        return qualified?.package === pkg && names.includes(qualified.name);
      })()
    : callee?.type === 'identifier' && names.includes(callee.text);
  if (!matches) return undefined;
  const [first] = callArguments(node);
  return first;
}

/**
 * A conversion to a pointer or array type, `(*T)(x)` or `(*[N]T)(x)`: the target type (a type node,
 * or for `(*T)(x)` the `*T` unary expression) and the converted operand.
 */
export function pointerConversion(node: Node): { type: Node; operand: Node } | undefined {
  if (node.type === 'type_conversion_expression') {
    const type = node.childForFieldName('type');
    const operand = node.childForFieldName('operand');
    let target = type;
    while (target?.type === 'parenthesized_type') target = target.namedChild(0);
    return type && operand && target?.type === 'pointer_type' ? { type, operand } : undefined;
  }
  if (node.type !== 'call_expression') return undefined;
  const callee = node.childForFieldName('function');
  if (callee?.type !== 'parenthesized_expression') return undefined;
  const type = unparenthesize(callee);
  const args = callArguments(node);
  if (unaryOperator(type) !== '*' || args.length !== 1) return undefined;
  return { type, operand: args[0] };
}

/** The text of a node on one line, shortened for a message. */
export function shortText(node: Node, limit = 48): string {
  const text = node.text.replace(/\s*\n\s*/g, ' ');
  return text.length > limit ? `${text.slice(0, limit - 1)}…` : text;
}
