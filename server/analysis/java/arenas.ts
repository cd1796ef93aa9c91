import type { Node } from 'web-tree-sitter';
import { referencedField, resolveName, unparenthesize, type JavaBinding } from './names';

/** The four arena factories of java.lang.foreign.Arena. */
export type ArenaKind = 'global' | 'auto' | 'confined' | 'shared';

const FACTORIES: Readonly<Record<string, ArenaKind>> = {
  global: 'global',
  ofAuto: 'auto',
  ofConfined: 'confined',
  ofShared: 'shared',
};

/** SegmentAllocator methods an arena allocates native memory with. */
export const ALLOCATION_METHODS: ReadonlySet<string> = new Set([
  'allocate',
  'allocateFrom',
  'allocateArray',
  'allocateUtf8String',
  'allocateFromUtf8',
]);

/** `Arena.ofConfined()` (or `java.lang.foreign.Arena.ofConfined()`) → 'confined'. */
export function arenaFactoryKind(expression: Node): ArenaKind | undefined {
  const call = unparenthesize(expression);
  if (call.type !== 'method_invocation') return undefined;
  const object = call.childForFieldName('object');
  const name = call.childForFieldName('name')?.text ?? '';
  if (!object || !(name in FACTORIES)) return undefined;
  if (object.text !== 'Arena' && !object.text.endsWith('.foreign.Arena')) return undefined;
  if ((call.childForFieldName('arguments')?.namedChildCount ?? 0) !== 0) return undefined;
  return FACTORIES[name];
}

/** An arena expression: a factory call, or a variable initialised with one. */
export interface ArenaReference {
  kind?: ArenaKind;
  /** The variable holding the arena, when the expression names one. */
  binding?: JavaBinding;
  /** The expression as written. */
  node: Node;
}

/** What an arena-valued expression is: `Arena.global()`, `arena` (a local, resource, field...). */
export function arenaReference(expression: Node): ArenaReference | undefined {
  const node = unparenthesize(expression);
  const kind = arenaFactoryKind(node);
  if (kind) return { kind, node };
  const binding = node.type === 'identifier' ? resolveName(node) : node.type === 'field_access' ? referencedField(node) : undefined;
  if (!binding) return undefined;
  return { kind: binding.value ? arenaFactoryKind(binding.value) : undefined, binding, node };
}

/** For `arena.allocate(...)`, `Arena.global().allocateFrom(...)`: the arena it allocates from. */
export function allocationArena(call: Node): ArenaReference | undefined {
  if (call.type !== 'method_invocation') return undefined;
  const name = call.childForFieldName('name')?.text ?? '';
  const object = call.childForFieldName('object');
  if (!object || !ALLOCATION_METHODS.has(name)) return undefined;
  return arenaReference(object);
}

/** `Arena.ofConfined()` → "Arena.ofConfined()"; `arena` → "`arena`" style text for messages. */
export function describeArena(arena: ArenaReference): string {
  return arena.binding ? arena.binding.name : arena.node.text;
}
