import type { Node } from 'web-tree-sitter';
import { decoratorExpression } from './callables';

/** Where cffi turns a Python callable into a C function pointer. */
export interface CffiCallback {
  /** `ffi.callback(...)` (ABI or API mode) or `ffi.def_extern(...)` (an `extern "Python"` function). */
  readonly kind: 'callback' | 'def_extern';
  /** The `ffi.callback(...)` / `ffi.def_extern(...)` call. */
  readonly site: Node;
  readonly form: 'call' | 'decorator';
  /** The decorated `def`, or the callable passed to `ffi.callback(decl, fn)`. */
  readonly target: Node;
  /** The C type string, e.g. `"int(int, void *)"`, when it is a literal. */
  readonly declaration?: string;
  /** `error=` or `onerror=` is given (or could be, through `**kwargs`): failures are designed for. */
  readonly handlesErrors: boolean;
  /** The FFI object as written: `ffi`, `self._ffi`. */
  readonly ffi: string;
}

/** `ffi`, `_ffi`, `api_ffi`, `self._ffi`: the names cffi's FFI object goes by in practice. */
const FFI_NAME = /^(?:\w+\.)?\w*ffi$/i;

function stringValue(node: Node | undefined): string | undefined {
  if (node?.type !== 'string' || node.namedChildren.some((child) => child.type === 'interpolation')) return undefined;
  return node.namedChildren
    .filter((child) => child.type === 'string_content')
    .map((child) => child.text)
    .join('');
}

/** Names bound to `FFI()` / `cffi.FFI()` in this module. */
function ffiObjects(root: Node): Set<string> {
  const objects = new Set<string>();
  for (const assignment of root.descendantsOfType('assignment')) {
    const right = assignment.childForFieldName('right');
    const callee = right?.type === 'call' ? right.childForFieldName('function')?.text : undefined;
    const left = assignment.childForFieldName('left')?.text;
    if (left && callee && /^(?:cffi\.(?:api\.)?)?FFI$/.test(callee)) objects.add(left);
  }
  return objects;
}

/** Reads every `ffi.callback` and `ffi.def_extern` of a module. */
export function readCffiCallbacks(root: Node): CffiCallback[] {
  if (!root.text.includes('ffi')) return [];
  const objects = ffiObjects(root);
  const found: CffiCallback[] = [];
  for (const call of root.descendantsOfType('call')) {
    const callee = call.childForFieldName('function');
    if (callee?.type !== 'attribute') continue;
    const method = callee.childForFieldName('attribute')?.text;
    const receiver = callee.childForFieldName('object')?.text ?? '';
    if ((method !== 'callback' && method !== 'def_extern') || !(FFI_NAME.test(receiver) || objects.has(receiver))) continue;
    const args = call.childForFieldName('arguments')?.namedChildren.filter((child) => child.type !== 'comment') ?? [];
    const positional = args.filter((arg) => arg.type !== 'keyword_argument' && arg.type !== 'dictionary_splat');
    const keyword = (name: string) =>
      args.find((arg) => arg.type === 'keyword_argument' && arg.childForFieldName('name')?.text === name)?.childForFieldName('value') ?? undefined;
    const spreads = args.some((arg) => arg.type === 'dictionary_splat' || arg.type === 'list_splat');
    // callback(cdecl, python_callable=None, error=None, onerror=None); def_extern(name=None, error=None, onerror=None)
    const errorPosition = method === 'callback' ? 2 : 1;
    const handlesErrors = spreads || positional.length > errorPosition || keyword('error') !== undefined || keyword('onerror') !== undefined;
    const decorator = call.parent?.type === 'decorator' ? call.parent : undefined;
    const declaration = method === 'callback' ? stringValue(positional[0] ?? keyword('cdecl')) : undefined;
    const base = { kind: method, site: call, handlesErrors, ffi: receiver, ...(declaration !== undefined ? { declaration } : {}) } as const;
    if (decorator && decoratorExpression(decorator)?.id === call.id) {
      const definition = decorator.parent?.childForFieldName('definition');
      if (definition?.type === 'function_definition') found.push({ ...base, form: 'decorator', target: definition });
    } else if (method === 'callback') {
      const target = positional[1] ?? keyword('python_callable');
      if (target) found.push({ ...base, form: 'call', target });
    }
  }
  return found;
}

/** True when a cffi C type string is a function returning `void`: `"void(int)"`, `"void(*)(int)"`. */
export function declaresVoidResult(declaration: string | undefined): boolean {
  return declaration !== undefined && /^\s*void\s*\(/.test(declaration);
}
