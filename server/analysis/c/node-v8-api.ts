import type { Node } from 'web-tree-sitter';
import { isNameToken, tokensOf } from './tokens';

/**
 * What a C/C++ file shows of Node's addon interface before N-API: the V8 C++ API and NAN over
 * it. Such an addon's binary is tied to the V8 of one Node major version.
 */
export interface V8AddonApi {
  /** The paths (`<nan.h>`) of `#include`s of NAN, Node or V8 headers the file really builds on, in order. */
  includes: { node: Node; header: string }[];
  /** Uses of the V8-era registration macros (`NODE_MODULE(`, `NAN_MODULE_INIT(`), in order. */
  registrations: Node[];
  /** The file opens `namespace node` or `namespace v8`: it is part of Node or V8, not an addon. */
  implementsRuntime: boolean;
}

/** Headers of the V8-era interface; NAN's is unambiguous, the others need C++ API use beside them. */
const NAN_HEADER = 'nan.h';
const NODE_HEADERS = new Set(['node.h', 'node_buffer.h', 'node_object_wrap.h']);
const V8_HEADER = 'v8.h';

/** Macros that register a module built against V8 (N-API's are NAPI_MODULE and NODE_API_MODULE). */
const REGISTRATION_MACROS = new Set([
  'NODE_MODULE',
  'NODE_MODULE_X',
  'NODE_MODULE_INIT',
  'NODE_MODULE_CONTEXT_AWARE',
  'NODE_MODULE_CONTEXT_AWARE_X',
  'NAN_MODULE_INIT',
  'NAN_MODULE_WORKER_ENABLED',
]);
/** Other Node/NAN macros of the V8 API (NODE_MODULE_VERSION is a plain number, usable anywhere). */
const NODE_API_MACRO = /^(?:NAN_[A-Z_]+|NODE_SET_(?:PROTOTYPE_)?METHOD)$/;

/**
 * The headers of Node, V8 and NAN themselves (vendored copies included) and of node-addon-api:
 * they define the interface rather than use it.
 */
const INTERFACE_HEADER_FILE = /^(?:nan(?:_[\w]+)?|node(?:_buffer|_object_wrap|_version|_api|_api_types)?|v8(?:-[\w-]+)?|v8config|uv|js_native_api(?:_types)?|napi(?:-inl)?(?:\.deprecated)?)\.h$/;

export function isNodeInterfaceHeader(fileName: string): boolean {
  return INTERFACE_HEADER_FILE.test(fileName);
}

/** The path node of an `#include <…>` or `#include "…"`, its header and that header's file name. */
function includedHeader(include: Node): { node: Node; header: string; name: string } | undefined {
  const target = include.childForFieldName('path');
  if (target?.type !== 'system_lib_string' && target?.type !== 'string_literal') return undefined;
  const header = target.text.slice(1, -1).trim();
  return { node: target, header, name: header.slice(header.lastIndexOf('/') + 1) };
}

/** Reads the file's use of the V8-era addon interface from its tokens (comments never count). */
export function readV8AddonApi(root: Node): V8AddonApi {
  const tokens = tokensOf(root);
  let usesNodeApi = false; // node::, Nan::, NODE_*/NAN_* macros
  let usesV8Api = false; // v8::, using namespace v8
  let implementsRuntime = false;
  const registrations: Node[] = [];
  tokens.forEach((token, i) => {
    const next = tokens[i + 1]?.text;
    if ((token.text === 'node' || token.text === 'v8') && tokens[i - 1]?.text === 'namespace' && next === '{') implementsRuntime = true;
    const scoped = next === '::' || (next === ':' && tokens[i + 2]?.text === ':');
    if (!isNameToken(token)) return;
    const name = token.text;
    const usingNamespace = tokens[i - 1]?.text === 'namespace' && tokens[i - 2]?.text === 'using';
    if (name === 'v8' && (scoped || usingNamespace)) usesV8Api = true;
    else if ((name === 'node' || name === 'Nan') && (scoped || usingNamespace)) usesNodeApi = true;
    else if (REGISTRATION_MACROS.has(name) && next === '(') {
      usesNodeApi = true;
      registrations.push(token);
    } else if (NODE_API_MACRO.test(name)) usesNodeApi = true;
  });
  const all = root.descendantsOfType('preproc_include').flatMap((include) => {
    const included = include ? includedHeader(include) : undefined;
    return included ? [included] : [];
  });
  const includesNan = all.some((include) => include.name === NAN_HEADER);
  const includesNode = all.some((include) => NODE_HEADERS.has(include.name));
  const includes = all
    .filter(
      (include) =>
        include.name === NAN_HEADER ||
        (NODE_HEADERS.has(include.name) && (usesNodeApi || usesV8Api || includesNan)) ||
        // V8 is embedded outside Node too: count its header only in a file that is a Node addon
        (include.name === V8_HEADER && (usesNodeApi || includesNan || (includesNode && usesV8Api))),
    )
    .map(({ node, header }) => ({ node, header }));
  return { includes, registrations, implementsRuntime };
}
