import type { Node } from 'web-tree-sitter';
import { allocationArena, arenaFactoryKind, describeArena, type ArenaReference } from '../../analysis/java/arenas';
import { COLLECTION_ADDERS } from '../../analysis/java/callback-registration';
import { enclosingLoop } from '../../analysis/java/loops';
import { referencesTo, resolveName, type JavaBinding } from '../../analysis/java/names';
import { threadHandoff } from '../../analysis/java/thread-handoff';
import { isWithin } from '../../analysis/tree';
import { defineRule, type RuleContext } from '../../engine/rule';

/** `arena.allocateFrom(…)`: the call as a user recognises it, without its arguments. */
function describeCall(call: Node): string {
  const object = call.childForFieldName('object')?.text ?? '';
  return `${object}.${call.childForFieldName('name')?.text ?? ''}(…)`;
}

/** True when the allocation is kept on purpose: put in a collection or array element, or stored in a field. */
function isKept(call: Node): boolean {
  const parent = call.parent;
  if (parent?.type === 'argument_list' && parent.parent?.type === 'method_invocation') {
    return COLLECTION_ADDERS.has(parent.parent.childForFieldName('name')?.text ?? '');
  }
  if (parent?.type === 'assignment_expression' && parent.childForFieldName('right')?.id === call.id) {
    const left = parent.childForFieldName('left');
    return left?.type === 'array_access' || left?.type === 'field_access' || (left?.type === 'identifier' && resolveName(left)?.kind === 'field');
  }
  return false;
}

function checkLoopAllocations(context: RuleContext, allocations: { call: Node; arena: ArenaReference }[]): void {
  for (const { call, arena } of allocations) {
    if ((arena.kind !== 'global' && arena.kind !== 'auto') || isKept(call)) continue;
    const loop = enclosingLoop(call);
    if (!loop) continue;
    context.report({
      node: call,
      messageId: arena.kind === 'global' ? 'globalInLoop' : 'autoInLoop',
      data: { call: describeCall(call), arena: arena.binding ? `\`${arena.binding.name}\` (${arena.kind === 'global' ? 'Arena.global()' : 'Arena.ofAuto()'})` : `\`${arena.node.text}\`` },
    });
  }
}

/** A name that holds confined memory: the arena itself, or a segment allocated from it. */
interface Confined {
  binding: JavaBinding;
  arena: string;
  what: string;
}

function confinedNames(context: RuleContext, allocations: { call: Node; arena: ArenaReference }[]): Confined[] {
  const names: Confined[] = [];
  for (const declarator of context.root.descendantsOfType(['variable_declarator', 'resource'])) {
    const value = declarator.childForFieldName('value');
    const name = declarator.childForFieldName('name');
    if (!value || !name || arenaFactoryKind(value) !== 'confined') continue;
    const binding = resolveName(name);
    if (binding) names.push({ binding, arena: binding.name, what: 'a confined arena (Arena.ofConfined())' });
  }
  for (const { call, arena } of allocations) {
    if (arena.kind !== 'confined' || call.parent?.type !== 'variable_declarator') continue;
    const name = call.parent.childForFieldName('name');
    const binding = name ? resolveName(name) : undefined;
    if (binding) names.push({ binding, arena: describeArena(arena), what: `a segment of the confined arena \`${describeArena(arena)}\`` });
  }
  return names;
}

function checkConfinedAcrossThreads(context: RuleContext, allocations: { call: Node; arena: ArenaReference }[]): void {
  const reported = new Set<number>();
  for (const confined of confinedNames(context, allocations)) {
    const tasks = new Set<number>();
    for (const reference of referencesTo(confined.binding)) {
      const handoff = threadHandoff(reference);
      if (!handoff || tasks.has(handoff.task.id) || isWithin(confined.binding.declarator, handoff.task)) continue;
      tasks.add(handoff.task.id);
      if (reported.has(reference.startPosition.row)) continue;
      reported.add(reference.startPosition.row);
      context.report({
        node: reference,
        messageId: 'confinedAcrossThreads',
        data: { name: confined.binding.name, what: confined.what, api: handoff.parallel ? `a parallel stream (\`${handoff.api}\`)` : `\`${handoff.api}\`` },
      });
    }
  }
}

export default defineRule({
  id: 'panama/arena-misuse',
  languages: ['java'],
  severity: 'warning',
  questions: [19, 5],
  description:
    'Native memory allocated from Arena.global() or Arena.ofAuto() inside a loop, or a confined arena (or its segments) used from a task that runs on another thread.',
  messages: {
    globalInLoop:
      '`{{call}}` allocates from {{arena}} inside a loop: that memory is never freed, so native memory grows every iteration. Open a confined arena per iteration (try (Arena arena = Arena.ofConfined())) or allocate once before the loop and reuse the segment.',
    autoInLoop:
      '`{{call}}` allocates from {{arena}} inside a loop: the memory is freed only when the GC happens to collect the segment, so native memory can grow without bound. Open a confined arena per iteration (try (Arena arena = Arena.ofConfined())) or allocate once before the loop and reuse the segment.',
    confinedAcrossThreads:
      '`{{name}}` is {{what}}, but it is used in a task run by {{api}}, on another thread: the access throws WrongThreadException. Allocate from Arena.ofShared() and close it once the other threads are done.',
  },
  fixable: false,
  triggers: ['Arena.global', 'Arena.ofAuto', 'Arena.ofConfined'],
  check(context) {
    const allocations = context.root.descendantsOfType('method_invocation').flatMap((call) => {
      const arena = allocationArena(call);
      return arena ? [{ call, arena }] : [];
    });
    checkLoopAllocations(context, allocations);
    if (context.source.includes('ofConfined')) checkConfinedAcrossThreads(context, allocations);
  },
});
