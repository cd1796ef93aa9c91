import type { Node } from 'web-tree-sitter';
import { calleeName } from './calls';
import { stripCasts } from './expressions';
import { readDefinedFunctions, resolveFunction, walkBody, type DefinedFunction } from './functions';
import { callArguments, javaVmCallName } from './jni-function-table';

/** Thread-exit hook registrations and the position of the destructor they take. */
const EXIT_HOOKS: ReadonlyMap<string, number> = new Map([
  ['pthread_key_create', 1],
  ['tss_create', 1],
  ['FlsAlloc', 0],
]);

/** What a file does to detach threads when they end, read once per file. */
export interface ThreadDetachment {
  /** Functions of the file that call DetachCurrentThread directly or through one same-file helper. */
  detachingFunctions: ReadonlySet<number>;
  /** Names of classes whose destructor, defined in this file, detaches the thread. */
  detachingGuards: ReadonlySet<string>;
  /** True when a pthread key (or tss/FLS slot) destructor detaches every thread as it exits. */
  detachesAtThreadExit: boolean;
  /** True when some function detaches without attaching: a thread-stop hook that pairs with attaches elsewhere. */
  hasDetachOnlyFunction: boolean;
}

function callsIn(body: Node): Node[] {
  const calls: Node[] = [];
  for (const node of walkBody(body)) if (node.type === 'call_expression') calls.push(node);
  return calls;
}

export function readThreadDetachment(root: Node): ThreadDetachment {
  const functions = readDefinedFunctions(root);
  const direct = new Set<number>();
  const attaching = new Set<number>();
  const all: DefinedFunction[] = [...functions.values()].flat();
  for (const fn of all) {
    for (const call of callsIn(fn.body)) {
      const name = javaVmCallName(call);
      if (name === 'DetachCurrentThread') direct.add(fn.definition.id);
      if (name === 'AttachCurrentThread' || name === 'AttachCurrentThreadAsDaemon') attaching.add(fn.definition.id);
    }
  }
  const detaching = new Set(direct);
  for (const fn of all) {
    if (detaching.has(fn.definition.id)) continue;
    for (const call of callsIn(fn.body)) {
      const callee = call.childForFieldName('function');
      const target = callee ? resolveFunction(callee, functions) : undefined;
      if (target && direct.has(target.definition.id)) {
        detaching.add(fn.definition.id);
        break;
      }
    }
  }
  const detachingGuards = new Set<string>();
  for (const fn of all) {
    if (fn.name.startsWith('~') && fn.owner && detaching.has(fn.definition.id)) detachingGuards.add(fn.owner);
  }
  let detachesAtThreadExit = false;
  for (const call of root.descendantsOfType('call_expression')) {
    const name = call ? calleeName(call) : undefined;
    const position = name ? EXIT_HOOKS.get(name) : undefined;
    if (!call || position === undefined) continue;
    const argument = callArguments(call)[position];
    if (!argument) continue;
    let value = stripCasts(argument);
    if (value.type === 'pointer_expression') value = stripCasts(value.childForFieldName('argument') ?? value);
    const destructor = resolveFunction(value, functions);
    // A lambda or a destructor defined elsewhere: trust it when the file detaches anywhere.
    if (destructor ? detaching.has(destructor.definition.id) : direct.size > 0) detachesAtThreadExit = true;
  }
  const hasDetachOnlyFunction = all.some(
    (fn) => detaching.has(fn.definition.id) && !attaching.has(fn.definition.id) && !fn.name.startsWith('~'),
  );
  return { detachingFunctions: detaching, detachingGuards, detachesAtThreadExit, hasDetachOnlyFunction };
}
