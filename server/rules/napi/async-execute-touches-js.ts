import {
  envParameterOf,
  findAsyncExecuteCallbacks,
  findWorkerExecutes,
  firstJsThreadUse,
  readNapiNames,
  routineName,
  workerClassesIn,
  WORKER_EXECUTE,
  type ExecuteCallback,
} from '../../analysis/c/napi-threads';
import { readDefinedFunctions } from '../../analysis/c/functions';
import { readFileScope } from '../../analysis/c/scope';
import { NAPI_ASYNC_WORKER } from '../../collectors/napi-async-workers';
import { defineRule } from '../../engine/rule';

const MOVE_TO_COMPLETE = 'do it in the complete (after-work) callback, or send the data through a napi_threadsafe_function.';
const MOVE_TO_ON_OK = 'keep plain C++ data in members and build JS values in OnOK()/OnError(), or report through the ExecutionProgress.';

export default defineRule({
  id: 'napi/async-execute-touches-js',
  languages: ['c', 'cpp'],
  severity: 'error',
  questions: [29],
  description:
    'The execute callback of napi_create_async_work (or uv_queue_work), or the Execute() of a Napi::AsyncWorker, makes a Node-API call or uses a JavaScript value, although it runs on a libuv pool thread.',
  messages: {
    execute: `{{routine}} runs on a libuv pool thread (work callback of \`{{via}}\`) but calls \`{{call}}\`, which needs the JavaScript thread: ${MOVE_TO_COMPLETE}`,
    executeHelper: `{{routine}} runs on a libuv pool thread (work callback of \`{{via}}\`) but calls {{helper}}, which uses \`{{call}}\` (JavaScript thread only): ${MOVE_TO_COMPLETE}`,
    worker: `{{routine}} runs on a libuv pool thread (AsyncWorker Execute) but uses \`{{call}}\`, which needs the JavaScript thread: ${MOVE_TO_ON_OK}`,
    workerHelper: `{{routine}} runs on a libuv pool thread (AsyncWorker Execute) but calls {{helper}}, which uses \`{{call}}\` (JavaScript thread only): ${MOVE_TO_ON_OK}`,
  },
  fixable: false,
  // uv_queue_work is libuv's own; without Node-API or node-addon-api in the file there is nothing to find
  triggers: ['napi_create_async_work', 'uv_queue_work', 'Execute'],
  check(context) {
    const functions = context.shared(readDefinedFunctions);
    const callbacks: ExecuteCallback[] = /\b(?:napi_create_async_work|uv_queue_work)\b/.test(context.source)
      ? findAsyncExecuteCallbacks(context.root, functions)
      : [];
    const workers = functions.has('Execute')
      ? workerClassesIn(context.source, (name) => context.workspace.has(NAPI_ASYNC_WORKER, name))
      : new Set<string>();
    for (const name of functions.get('Execute') ?? []) {
      if (name.owner && context.workspace.has(NAPI_ASYNC_WORKER, name.owner)) workers.add(name.owner);
    }
    const executes = findWorkerExecutes(functions, workers);
    if (callbacks.length === 0 && executes.length === 0) return;
    const scope = context.shared(readFileScope);
    const names = context.shared(readNapiNames);
    const reported = new Set<number>();
    for (const callback of [...callbacks, ...executes]) {
      if (reported.has(callback.definition.id)) continue;
      reported.add(callback.definition.id);
      const worker = callback.via === WORKER_EXECUTE;
      const env = worker ? undefined : envParameterOf(callback.definition);
      const use = firstJsThreadUse(callback.body, { functions, scope, names, worker, env }, callback.definition);
      if (!use) continue;
      const kind = worker ? 'worker' : 'execute';
      context.report({
        node: use.node,
        messageId: use.helper ? `${kind}Helper` : kind,
        data: { routine: routineName(callback.routine), via: callback.via, call: use.call, helper: use.helper ? routineName({ kind: 'function', fn: use.helper }) : '' },
      });
    }
  },
});
