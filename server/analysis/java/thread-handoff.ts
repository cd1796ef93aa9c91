import type { Node } from 'web-tree-sitter';
import { callTaking, isStreamOperation, iterationCall, receiverChain } from './loops';

/** Code handed to another thread: the lambda or anonymous class, and the API that runs it. */
export interface ThreadHandoff {
  task: Node;
  /** How the API reads in a message: `new Thread`, `executor.submit`, `CompletableFuture.supplyAsync`, `mapToLong`. */
  api: string;
  /** True for an operation of a parallel stream, whose tasks run on the fork-join pool. */
  parallel: boolean;
}

/** Executor methods; the receiver must look like an executor, since `execute` is a common name. */
const EXECUTOR_METHODS = new Set(['submit', 'execute', 'schedule', 'scheduleAtFixedRate', 'scheduleWithFixedDelay']);
const EXECUTOR_RECEIVER = /(?:executor|pool|service|scheduler|workers?|threads|^exec$)/i;
/** Methods whose task always runs on another thread. */
const THREAD_METHODS = new Set(['supplyAsync', 'runAsync', 'startVirtualThread', 'newThread', 'invokeLater', 'invokeAndWait', 'runLater']);
const TASK_DECLARATIONS = new Set(['class_declaration', 'interface_declaration', 'enum_declaration', 'record_declaration', 'program']);

function shortReceiver(object: Node | null): string {
  if (!object) return '';
  const text = object.type === 'method_invocation' ? `${object.childForFieldName('name')?.text ?? ''}()` : object.text;
  return text.length > 40 ? `…${text.slice(-40)}` : text;
}

/** The thread API a task (lambda or anonymous class) is passed to, if it is passed to one (`parallel:op` for a parallel stream). */
export function threadApiTaking(task: Node): string | undefined {
  const call = callTaking(task);
  if (!call) return undefined;
  if (call.type === 'object_creation_expression') {
    const type = call.childForFieldName('type')?.text ?? '';
    return /(?:^|\.)Thread$/.test(type) ? `new ${type}` : undefined;
  }
  const name = call.childForFieldName('name')?.text ?? '';
  const object = call.childForFieldName('object');
  const api = object ? `${shortReceiver(object)}.${name}` : name;
  if (THREAD_METHODS.has(name) || (/^\w+Async$/.test(name) && object)) return api;
  if (EXECUTOR_METHODS.has(name) && object && (EXECUTOR_RECEIVER.test(shortReceiver(object)) || /Executors\.|ForkJoinPool/.test(object.text))) return api;
  const chain = receiverChain(call).slice(1).map((link) => link.childForFieldName('name')?.text ?? '');
  if ((name === 'start' || name === 'unstarted') && chain.some((link) => link === 'ofVirtual' || link === 'ofPlatform')) return api;
  if (name === 'fork' && object && /scope/i.test(object.text)) return api;
  if (task.type === 'lambda_expression' && iterationCall(task) && isStreamOperation(call) && chain.some((link) => link === 'parallel' || link === 'parallelStream')) {
    return `parallel:${name}`;
  }
  return undefined;
}

/**
 * The task `node` runs in when that task is handed to another thread: the nearest enclosing lambda or anonymous class passed to `new Thread`, an executor,
 * `CompletableFuture.*Async`, a virtual-thread builder or a parallel stream.
 */
export function threadHandoff(node: Node): ThreadHandoff | undefined {
  for (let current = node.parent; current; current = current.parent) {
    if (TASK_DECLARATIONS.has(current.type)) return undefined;
    const isTask =
      current.type === 'lambda_expression' ||
      (current.type === 'object_creation_expression' && current.namedChildren.some((child) => child.type === 'class_body'));
    if (!isTask) continue;
    const api = threadApiTaking(current);
    if (api) return { task: current, api: api.replace(/^parallel:/, ''), parallel: api.startsWith('parallel:') };
  }
  return undefined;
}
