import { workerClassesIn } from '../analysis/c/napi-threads';
import type { FactCollector } from '../engine/workspace';

/** Classes a C++ file declares as node-addon-api workers (deriving from `Napi::AsyncWorker` and kin). */
export const NAPI_ASYNC_WORKER = 'napi-async-worker';

export const napiAsyncWorkers: FactCollector = {
  kinds: [NAPI_ASYNC_WORKER],
  languages: ['c', 'cpp'],
  triggers: ['AsyncWorker', 'AsyncProgress'],
  collect(text) {
    return [...workerClassesIn(text)].map((value) => ({ kind: NAPI_ASYNC_WORKER, value }));
  },
};
