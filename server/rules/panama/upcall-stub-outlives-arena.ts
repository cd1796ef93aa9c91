import type { Node } from 'web-tree-sitter';
import { arenaReference, type ArenaReference } from '../../analysis/java/arenas';
import {
  callNames,
  COLLECTION_ADDERS,
  HANDLE_INVOCATIONS,
  keepsArguments,
  releasesRegistration,
} from '../../analysis/java/callback-registration';
import {
  enclosingFunction,
  referencesTo,
  resolveName,
  unparenthesize,
  type JavaBinding,
} from '../../analysis/java/names';
import { closestAncestor, isWithin } from '../../analysis/tree';
import { defineRule } from '../../engine/rule';

/** Where and when the arena of a stub is closed. */
interface Closing {
  arena: string;
  when: string;
  /** The code that runs while the arena is open: a release of the stub inside it makes the escape harmless. */
  region: Node;
}

/** How a stub leaves the code that owns its arena. */
interface Escape {
  node: Node;
  how: string;
  /** What drops the stub again, when found later in the region: a field cleared, a registration undone. */
  undone: (candidate: Node) => boolean;
}

const NULL_VALUE = /^(?:null|MemorySegment\.NULL|NULL)$/;

/** True when the arena variable is handed on (stored, returned, given to a constructor): its owner closes it later. */
function arenaHandedOn(binding: JavaBinding, within: Node): boolean {
  return referencesTo(binding, within).some((reference) => {
    const parent = reference.parent;
    if (!parent) return false;
    if (parent.type === 'assignment_expression') return parent.childForFieldName('right')?.id === reference.id;
    if (parent.type === 'variable_declarator') return parent.childForFieldName('value')?.id === reference.id;
    if (parent.type === 'return_statement') return true;
    return parent.type === 'argument_list' && parent.parent?.type === 'object_creation_expression';
  });
}

/** When the arena an upcall stub was allocated in closes, if it closes within this method. */
function closingOf(arena: ArenaReference, call: Node): Closing | undefined {
  const binding = arena.binding;
  if (!binding || arena.kind === 'global' || arena.kind === 'auto') return undefined;
  if (binding.kind === 'resource') {
    const body = binding.scope.childForFieldName('body');
    return body ? { arena: binding.name, when: 'when its try-with-resources block ends', region: body } : undefined;
  }
  if (binding.kind !== 'local' || !arena.kind) return undefined;
  const method = enclosingFunction(call);
  if (!method || enclosingFunction(binding.declarator)?.id !== method.id || arenaHandedOn(binding, method)) return undefined;
  const close = referencesTo(binding, method).find((reference) => {
    const parent = reference.parent;
    return (
      parent?.type === 'method_invocation' &&
      parent.childForFieldName('name')?.text === 'close' &&
      enclosingFunction(parent)?.id === method.id &&
      !closestAncestor(parent, ['catch_clause'])
    );
  });
  if (!close) return undefined;
  return { arena: binding.name, when: `by \`${binding.name}.close()\` on line ${close.startPosition.row + 1}`, region: method };
}

function clearsSameField(target: Node): (candidate: Node) => boolean {
  return (candidate) => {
    if (candidate.type !== 'assignment_expression') return false;
    const left = candidate.childForFieldName('left');
    const right = candidate.childForFieldName('right');
    return left?.text === target.text && NULL_VALUE.test(right?.text ?? '');
  };
}

function undoesRegistration(registration: Node): (candidate: Node) => boolean {
  const object = registration.childForFieldName('object')?.text;
  const name = registration.childForFieldName('name')?.text;
  return (candidate) => {
    if (candidate.type !== 'method_invocation') return false;
    if (callNames(candidate).some(releasesRegistration)) return true;
    const sameCall = candidate.childForFieldName('object')?.text === object && candidate.childForFieldName('name')?.text === name;
    const args = candidate.childForFieldName('arguments')?.namedChildren ?? [];
    return sameCall && args.some((argument) => NULL_VALUE.test(argument.text));
  };
}

/** True when `target` (the left of an assignment) is a field: `this.x`, `Holder.X`, `owner.x`, or a bare field name. */
function isFieldTarget(target: Node): boolean {
  if (target.type === 'field_access') return true;
  return target.type === 'identifier' && resolveName(target)?.kind === 'field';
}

/** What `use` (the stub or a variable holding it) does with the stub: escape, alias to a local, or nothing. */
function classifyUse(use: Node, method: Node | undefined): Escape | JavaBinding | undefined {
  const parent = use.parent;
  if (!parent) return undefined;
  if (parent.type === 'variable_declarator' && parent.childForFieldName('value')?.id === use.id) {
    return resolveName(parent.childForFieldName('name')!) ?? undefined;
  }
  if (parent.type === 'assignment_expression' && parent.childForFieldName('right')?.id === use.id) {
    const left = unparenthesize(parent.childForFieldName('left')!);
    if (isFieldTarget(left)) return { node: parent, how: `is stored in \`${left.text}\``, undone: clearsSameField(left) };
    return left.type === 'identifier' ? resolveName(left) : undefined;
  }
  if (parent.type === 'return_statement') {
    return enclosingFunction(parent)?.id === method?.id ? { node: parent, how: 'is returned', undone: () => false } : undefined;
  }
  if (parent.type !== 'argument_list' || parent.parent?.type !== 'method_invocation') return undefined;
  const call = parent.parent;
  const name = call.childForFieldName('name')?.text ?? '';
  const object = call.childForFieldName('object');
  if (COLLECTION_ADDERS.has(name) && object && !HANDLE_INVOCATIONS.has(name)) {
    return { node: call, how: `is added to \`${object.text}\``, undone: () => false };
  }
  const keeper = callNames(call).find(keepsArguments);
  if (!keeper) return undefined;
  const callee = object ? `${object.text}.${name}` : name;
  return { node: call, how: `is passed to \`${callee}\`${keeper === name || keeper === object?.text ? '' : ` (\`${keeper}\`)`}, which keeps it`, undone: undoesRegistration(call) };
}

/** The escapes of the stub `call` returns, following it through local variables. */
function escapesOf(call: Node, method: Node | undefined): { stub: string; escapes: Escape[] } {
  let stub = '';
  const escapes: Escape[] = [];
  const seen = new Set<number>();
  const pending: Node[] = [call];
  while (pending.length > 0) {
    const use = pending.shift()!;
    const result = classifyUse(use, method);
    if (!result) continue;
    if ('how' in result) {
      escapes.push(result);
      continue;
    }
    if (result.kind === 'field' || seen.has(result.declarator.id)) continue;
    seen.add(result.declarator.id);
    stub ||= result.name;
    pending.push(...referencesTo(result, method ?? result.scope).filter((reference) => reference.startIndex > use.startIndex));
  }
  return { stub, escapes };
}

function isUndone(escape: Escape, closing: Closing): boolean {
  if (!isWithin(escape.node, closing.region)) return false;
  for (const candidate of closing.region.descendantsOfType(['assignment_expression', 'method_invocation'])) {
    if (candidate.startIndex > escape.node.endIndex && escape.undone(candidate)) return true;
  }
  return false;
}

export default defineRule({
  id: 'panama/upcall-stub-outlives-arena',
  languages: ['java'],
  severity: 'error',
  questions: [19, 3],
  description:
    'An upcall stub allocated in an arena that this code closes (try-with-resources, close()) is kept beyond it: stored in a field, registered with native code, returned or added to a collection.',
  messages: {
    escapes:
      'Upcall stub `{{stub}}` {{how}}, but its arena `{{arena}}` is closed {{when}}: native code calling the stub after that crashes the JVM. Allocate the stub in an arena that lives as long as native code may call it (a field arena closed after unregistering, or Arena.global()).',
  },
  fixable: false,
  triggers: ['upcallStub'],
  check(context) {
    for (const call of context.root.descendantsOfType('method_invocation')) {
      if (call.childForFieldName('name')?.text !== 'upcallStub') continue;
      const args = call.childForFieldName('arguments')?.namedChildren ?? [];
      const arena = args[2] ? arenaReference(args[2]) : undefined;
      const closing = arena ? closingOf(arena, call) : undefined;
      if (!closing) continue;
      const { stub, escapes } = escapesOf(call, enclosingFunction(call));
      for (const escape of escapes) {
        if (isUndone(escape, closing)) continue;
        context.report({
          node: escape.node,
          messageId: 'escapes',
          data: { stub: stub || `${call.childForFieldName('object')?.text ?? ''}.upcallStub(…)`.replace(/^\./, ''), how: escape.how, arena: closing.arena, when: closing.when },
        });
      }
    }
  },
});
