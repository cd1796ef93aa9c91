import type { Node } from 'web-tree-sitter';

/** `((x))` → `x`. */
export function stripParentheses(node: Node): Node {
  let current = node;
  while (current.type === 'parenthesized_expression') {
    const inner = current.namedChildren.find((child) => child !== null && child.type !== 'comment');
    if (!inner) break;
    current = inner;
  }
  return current;
}

/** `(void **)(x)` → `x`: C casts and parentheses peeled off. */
export function stripCasts(node: Node): Node {
  let current = stripParentheses(node);
  while (current.type === 'cast_expression') {
    const value = current.childForFieldName('value');
    if (!value) break;
    current = stripParentheses(value);
  }
  return current;
}

/** True when the expression, cast or not, is a null pointer constant: NULL, nullptr, 0. */
export function isNullPointerConstant(node: Node): boolean {
  const value = stripCasts(node);
  switch (value.type) {
    case 'null':
      return true;
    case 'number_literal':
      return /^0+[uUlL]*$/.test(value.text);
    case 'identifier':
      return value.text === 'NULL' || value.text === '__null' || value.text === 'nullptr';
    default:
      return false;
  }
}

/**
 * The object at the root of a member access: `g_state` for `g_state.jni.env`, `g_ctx->env` and
 * `(*g_ctx).env`; the node itself when it is no member access.
 */
export function memberAccessBase(node: Node): Node {
  let current = stripParentheses(node);
  for (;;) {
    if (current.type === 'field_expression') {
      const argument = current.childForFieldName('argument');
      if (!argument) return current;
      current = stripParentheses(argument);
    } else if (current.type === 'pointer_expression' && current.childForFieldName('operator')?.text === '*') {
      const argument = current.childForFieldName('argument');
      if (!argument) return current;
      current = stripParentheses(argument);
    } else {
      return current;
    }
  }
}

/** True for `&x` (address-of), false for `*x` (dereference). */
export function isAddressOf(node: Node): boolean {
  return node.type === 'pointer_expression' && node.childForFieldName('operator')?.text === '&';
}
