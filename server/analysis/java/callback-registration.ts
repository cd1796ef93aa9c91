import type { Node } from 'web-tree-sitter';
import { referencedField, resolveName, unparenthesize } from './names';

/**
 * Names (in snake case, word by word) of functions that keep an argument after they return:
 * registrations, callback and handler setters, subscriptions, hooks.
 */
const KEEPING = /(?:^|_)(?:register|callbacks?|set_(?:\w+_)?(?:callback|handler|listener|hook|observer|sink)|subscribe|add_(?:\w+_)?(?:listener|handler|callback|observer|hook)|hooks?|install)(?:_|$)/;
/** Names that match the above but read, remove or invoke instead. */
const NOT_KEEPING = /(?:^|_)(?:get|is|has|remove|unregister|deregister|unsubscribe|unhook|uninstall|detach|unwatch|clear|reset|free|destroy|call|invoke|run|fire|trigger|emit|dispatch)(?:_|$)/;
/** Names of functions that drop what a registration kept. */
const RELEASING = /(?:^|_)(?:unregister|deregister|unsubscribe|unhook|uninstall|detach|unwatch|remove|clear|reset)(?:_|$)/;

/** MethodHandle invocation methods: `register.invokeExact(stub)`. */
export const HANDLE_INVOCATIONS: ReadonlySet<string> = new Set(['invokeExact', 'invoke', 'invokeWithArguments']);
/** Collection methods that keep their argument. */
export const COLLECTION_ADDERS: ReadonlySet<string> = new Set([
  'add',
  'addFirst',
  'addLast',
  'push',
  'offer',
  'offerFirst',
  'offerLast',
  'put',
  'putIfAbsent',
  'addElement',
]);

/** `registerCallback`, `REGISTER_CALLBACK`, `set_callback` → `register_callback`, `set_callback`. */
export function snakeCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/^_+/, '');
}

/** True when a function named `name` keeps its arguments after it returns. */
export function keepsArguments(name: string): boolean {
  const words = snakeCase(name);
  return KEEPING.test(words) && !NOT_KEEPING.test(words);
}

/** True when a function named `name` drops a registration. */
export function releasesRegistration(name: string): boolean {
  return RELEASING.test(snakeCase(name));
}

/** The symbol name a MethodHandle was looked up by: `linker.downcallHandle(lookup.find("x").orElseThrow(), …)` → x. */
export function downcallSymbol(handle: Node): string | undefined {
  const node = unparenthesize(handle);
  const binding = node.type === 'identifier' ? resolveName(node) : node.type === 'field_access' ? referencedField(node) : undefined;
  const value = binding?.value;
  if (!value || !value.text.includes('downcallHandle')) return undefined;
  const literal = value.descendantsOfType('string_fragment')[0];
  return literal?.text;
}

/** The names a MethodHandle invocation goes by: the handle's own name and the symbol it was looked up by. */
export function handleNames(handle: Node): string[] {
  const node = unparenthesize(handle);
  const own = node.type === 'field_access' ? node.childForFieldName('field')?.text : node.type === 'identifier' ? node.text : undefined;
  const symbol = downcallSymbol(node);
  return [own, symbol].filter((name): name is string => Boolean(name));
}

/** The names a call goes by: `register.invokeExact(...)` → handle and symbol names; `foo_h.set_callback(...)` → set_callback. */
export function callNames(call: Node): string[] {
  const name = call.childForFieldName('name')?.text ?? '';
  const object = call.childForFieldName('object');
  return HANDLE_INVOCATIONS.has(name) && object ? handleNames(object) : [name];
}
