import { readDefinedFunctions } from '../../analysis/c/functions';
import { firstJsThreadUse, readNapiNames, routineName } from '../../analysis/c/napi-threads';
import { readFileScope } from '../../analysis/c/scope';
import { findEntryPoints } from '../../analysis/c/threads';
import { defineRule } from '../../engine/rule';

const C_INSTEAD =
  'create a napi_threadsafe_function on the JavaScript thread and call napi_call_threadsafe_function here; its call_js callback runs on the JavaScript thread.';
const CPP_INSTEAD =
  'create a Napi::ThreadSafeFunction on the JavaScript thread and use BlockingCall/NonBlockingCall here; its callback runs on the JavaScript thread.';

export default defineRule({
  id: 'napi/js-call-from-foreign-thread',
  languages: ['c', 'cpp'],
  severity: 'error',
  questions: [29],
  description:
    'A thread the addon starts (pthread_create, std::thread, uv_thread_create, CreateThread, …) calls a JavaScript function or another Node-API function that needs the env, instead of going through a thread-safe function.',
  messages: {
    thread: '{{routine}} runs on a thread started with `{{via}}`, not the JavaScript thread, yet calls `{{call}}`: {{instead}}',
    threadHelper: '{{routine}} runs on a thread started with `{{via}}`, not the JavaScript thread, yet calls {{helper}}, which uses `{{call}}`: {{instead}}',
  },
  fixable: false,
  triggers: ['napi_', 'Napi::', 'namespace Napi'],
  check(context) {
    const functions = context.shared(readDefinedFunctions);
    const entries = findEntryPoints(context.root, functions).filter((entry) => entry.kind === 'thread');
    if (entries.length === 0) return;
    const scope = context.shared(readFileScope);
    const names = context.shared(readNapiNames);
    const instead = /\bNapi::|namespace\s+Napi\b/.test(context.source) ? CPP_INSTEAD : C_INSTEAD;
    const reported = new Set<number>();
    for (const entry of entries) {
      const definition = entry.routine.kind === 'function' ? entry.routine.fn.definition : entry.routine.node;
      const body = definition.childForFieldName('body');
      if (!body || reported.has(definition.id)) continue;
      reported.add(definition.id);
      const use = firstJsThreadUse(body, { functions, scope, names }, definition);
      if (!use) continue;
      context.report({
        node: use.node,
        messageId: use.helper ? 'threadHelper' : 'thread',
        data: {
          routine: routineName(entry.routine),
          via: entry.via,
          call: use.call,
          helper: use.helper ? routineName({ kind: 'function', fn: use.helper }) : '',
          instead,
        },
      });
    }
  },
});
