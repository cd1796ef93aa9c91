import type { Node } from 'web-tree-sitter';
import { stripParentheses } from './expressions';

/**
 * The last name of a callee: `GetEnv` for `(*vm)->GetEnv(...)`, `vm->GetEnv(...)`,
 * `jni::GetEnv(...)` and `GetEnv(...)`; undefined for calls through computed expressions.
 */
export function calleeName(call: Node): string | undefined {
  let callee = call.childForFieldName('function');
  if (callee) callee = stripParentheses(callee);
  while (callee?.type === 'qualified_identifier') callee = callee.childForFieldName('name');
  if (callee?.type === 'template_function') callee = callee.childForFieldName('name');
  if (callee?.type === 'identifier') return callee.text;
  if (callee?.type === 'field_expression') return callee.childForFieldName('field')?.text;
  return undefined;
}

/**
 * The call that receives `node` as one of its arguments, looking through casts and parentheses
 * (`f((void **)&x)` for `&x`); undefined when the node is not passed straight to a call.
 */
export function callReceiving(node: Node): Node | undefined {
  let current = node;
  while (current.parent?.type === 'cast_expression' || current.parent?.type === 'parenthesized_expression') {
    current = current.parent;
  }
  const list = current.parent;
  if (list?.type !== 'argument_list') return undefined;
  return list.parent?.type === 'call_expression' ? list.parent : undefined;
}
