import { isNodeInterfaceHeader, readV8AddonApi } from '../../analysis/c/node-v8-api';
import { fileNameOf } from '../../engine/languages';
import { defineRule } from '../../engine/rule';

export default defineRule({
  id: 'napi/v8-abi-dependency',
  languages: ['c', 'cpp'],
  severity: 'info',
  questions: [28],
  description:
    'A native addon source written against V8 or NAN (nan.h, v8.h, node.h, NODE_MODULE) instead of N-API: its binary loads only in the Node major version it was built for.',
  messages: {
    include:
      '`{{header}}` builds this addon on V8\'s C++ API, whose ABI changes with every Node major version, so the binary must be rebuilt for each one: port it to N-API (`node_api.h`) or node-addon-api (`napi.h`) and set NAPI_VERSION.',
    registration:
      '`{{macro}}` registers an addon built on V8\'s C++ API, which loads only in the Node major version it was compiled for: register with NAPI_MODULE (`node_api.h`) or NODE_API_MODULE (node-addon-api, `napi.h`) and set NAPI_VERSION.',
  },
  fixable: false,
  triggers: ['nan.h', 'v8.h', 'node.h', 'node_buffer.h', 'node_object_wrap.h', 'NODE_MODULE', 'NAN_MODULE_INIT'],
  check(context) {
    if (isNodeInterfaceHeader(fileNameOf(context.filePath))) return;
    const api = context.shared(readV8AddonApi);
    if (api.implementsRuntime) return; // Node's or V8's own sources
    const [include] = api.includes;
    if (include) {
      context.report({ node: include.node, messageId: 'include', data: { header: include.header } });
      return;
    }
    const [registration] = api.registrations;
    if (registration) context.report({ node: registration, messageId: 'registration', data: { macro: registration.text } });
  },
});
