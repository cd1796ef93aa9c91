import type { Node } from 'web-tree-sitter';
import { unparenthesize } from './expressions';
import type { LocalBindings } from './local-bindings';

/** A local name or parameter the code shows to be a channel: a `chan T` type or `make(chan T, n)`. */
export function isChannel(expression: Node, bindings: LocalBindings): boolean {
  const node = unparenthesize(expression);
  if (node.type !== 'identifier') return false;
  const binding = bindings.resolve(node);
  if (binding?.type?.type === 'channel_type') return true;
  const value = binding?.value ? unparenthesize(binding.value) : undefined;
  return value?.type === 'call_expression' && value.childForFieldName('function')?.text === 'make' && /^make\(\s*(?:<-\s*)?chan\b/.test(value.text);
}
