import type { Node } from 'web-tree-sitter';
import { calleeName, callReceiving } from './calls';
import { variablesDeclaredBy } from './declarations';
import { enclosingFunction, parametersOf, readFunctionDefinition } from './functions';
import { isWithin } from '../tree';

/**
 * What an N-API addon's C or C++ source says about its functions: which ones Node calls
 * synchronously on the JavaScript thread, which JavaScript names they are exported under, and
 * which `napi_*` calls return a `napi_status` to check.
 */

/** The two N-API functions that return nothing (`napi_fatal_error` does not return at all). */
const VOID_FUNCTIONS: ReadonlySet<string> = new Set(['napi_module_register', 'napi_fatal_error']);
const NAPI_FUNCTION = /^(?:napi|node_api)_[a-z0-9_]+$/;

/** True for the name of a Node-API C function (`napi_…`, `node_api_…`). */
export function isNapiFunction(name: string): boolean {
  return NAPI_FUNCTION.test(name);
}

/** True when `name` is an N-API function of `js_native_api.h` / `node_api.h` that returns a `napi_status`. */
export function returnsNapiStatus(name: string): boolean {
  return isNapiFunction(name) && !VOID_FUNCTIONS.has(name);
}

/**
 * N-API calls that let go of something taken earlier (a reference, a wrap, async work, an async
 * context, a thread-safe function, a cleanup hook, a scope, reported external memory). In a
 * destructor or finalizer nothing useful can follow their failure: node-addon-api itself ignores
 * their status there.
 */
const TEARDOWN_FUNCTIONS: ReadonlySet<string> = new Set([
  'napi_delete_reference',
  'napi_reference_unref',
  'napi_remove_wrap',
  'napi_delete_async_work',
  'napi_cancel_async_work',
  'napi_async_destroy',
  'napi_close_callback_scope',
  'napi_close_handle_scope',
  'napi_close_escapable_handle_scope',
  'napi_release_threadsafe_function',
  'napi_unref_threadsafe_function',
  'napi_remove_env_cleanup_hook',
  'napi_remove_async_cleanup_hook',
  'napi_adjust_external_memory',
]);

/** True for an N-API call that lets go of something (see TEARDOWN_FUNCTIONS). */
export function isTeardownCall(name: string): boolean {
  return TEARDOWN_FUNCTIONS.has(name);
}

/**
 * N-API calls made while reporting an error: throwing one (`napi_throw_error`…) and reading the
 * last error. They run on a path that is already failing and returns next; when they fail there
 * is nothing left to report to, so Node's own examples leave their status unchecked.
 */
export function isErrorReportingCall(name: string): boolean {
  return /^(?:napi|node_api)_throw(?:_\w+)?$/.test(name) || name === 'napi_get_last_error_info' || name === 'napi_is_exception_pending';
}

/** The name of a call's callee when it is a plain or globally qualified function name (`f(…)`, `::f(…)`). */
export function plainCalleeName(call: Node): string | undefined {
  const callee = call.childForFieldName('function');
  if (!callee) return undefined;
  if (callee.type === 'identifier') return callee.text;
  if (callee.type === 'qualified_identifier' && !callee.childForFieldName('scope')) return calleeName(call);
  return undefined;
}

const NODE_ADDON_CALLBACK_INFO = /^(?:::)?(?:Napi::)?CallbackInfo$/;

/** How a function receives a synchronous call from JavaScript, judged by its parameters. */
export type SyncCallbackStyle = 'napi' | 'node-addon-api';

/**
 * Whether a function definition or lambda is called synchronously by Node on the JavaScript
 * thread: a C callback `napi_value f(napi_env, napi_callback_info)` (anything taking a
 * `napi_callback_info` is inside one), or node-addon-api code taking a `Napi::CallbackInfo`
 * (functions, ObjectWrap methods, accessors and constructors).
 */
export function syncCallbackStyle(definition: Node): SyncCallbackStyle | undefined {
  const parameters = parametersOf(definition);
  if (parameters.some((parameter) => parameter.typeName === 'napi_callback_info' && parameter.shape === 'plain' && parameter.pointerDepth === 0))
    return 'napi';
  const first = parameters[0];
  if (first && first.typeName && NODE_ADDON_CALLBACK_INFO.test(first.typeName) && first.shape === 'reference') return 'node-addon-api';
  return undefined;
}

/** Lists (argument or initializer) that hold a JavaScript name for something. */
const NAMING_LISTS = new Set(['argument_list', 'initializer_list']);

/** The text of a plain string literal: `readSync` for `"readSync"`. */
function stringValue(literal: Node): string | undefined {
  if (literal.type !== 'string_literal') return undefined;
  const content = literal.namedChildren.filter((child): child is Node => child?.type === 'string_content');
  if (literal.namedChildren.some((child) => child?.type === 'escape_sequence')) return undefined;
  return content.map((child) => child.text).join('');
}

/**
 * Where the functions a JavaScript name is given to are written: the argument or initializer list
 * holding the name, or the value assigned to `exports["readSync"]`.
 */
function namingHolder(literal: Node): Node | undefined {
  for (let node = literal.parent; node; node = node.parent) {
    if (NAMING_LISTS.has(node.type)) return node;
    if (node.type === 'assignment_expression') {
      const left = node.childForFieldName('left');
      return left && isWithin(literal, left) ? (node.childForFieldName('right') ?? undefined) : undefined;
    }
    if (node.type.endsWith('statement') || node.type === 'function_definition') return undefined;
  }
  return undefined;
}

/** Identifiers in `node` (also `&Cls::method`'s `method`), skipping string contents. */
function namesIn(node: Node): string[] {
  const names: string[] = node.type === 'identifier' ? [node.text] : [];
  for (const identifier of node.descendantsOfType(['identifier', 'field_identifier'])) {
    if (identifier) names.push(identifier.text);
  }
  return names;
}

/** What the file exports to JavaScript under a name ending in `Sync`, Node's mark for a call that blocks on purpose. */
export interface SyncExports {
  /** C and C++ names of the functions exported so. */
  readonly names: ReadonlySet<string>;
  /** True when a function definition or lambda is exported so (a lambda by being written in the registering list). */
  covers(definition: Node): boolean;
}

/**
 * Reads the registrations naming a `…Sync` JavaScript function: a descriptor `{"readSync", 0,
 * read_file, …}`, `napi_create_function(env, "readSync", …, read_file, …)`,
 * `InstanceMethod("readSync", &File::Read)`, `exports.Set("readSync", Napi::Function::New(env,
 * Read))`. A variable in such a list (`napi_set_named_property(env, exports, "readSync", fn)`)
 * stands for the functions named where it is made: its initializer, or a call in the same
 * function receiving `&fn`.
 */
export function readSyncExports(root: Node): SyncExports {
  const names = new Set<string>();
  const lists: Node[] = [];
  for (const literal of root.descendantsOfType('string_literal')) {
    if (!literal || !/Sync$/.test(stringValue(literal) ?? '')) continue;
    const list = namingHolder(literal);
    if (!list) continue;
    lists.push(list);
    const direct = namesIn(list);
    for (const name of direct) names.add(name);
    const fn = enclosingFunction(list);
    if (!fn) continue;
    const variables = new Set(direct);
    for (const declaration of fn.descendantsOfType('declaration')) {
      if (!declaration) continue;
      for (const variable of variablesDeclaredBy(declaration)) {
        if (variables.has(variable.name) && variable.initializer) for (const name of namesIn(variable.initializer)) names.add(name);
      }
    }
    for (const address of fn.descendantsOfType('pointer_expression')) {
      const target = address?.childForFieldName('argument');
      if (!address || address.childForFieldName('operator')?.text !== '&' || target?.type !== 'identifier') continue;
      if (!variables.has(target.text)) continue;
      const receiving = callReceiving(address);
      const args = receiving?.childForFieldName('arguments');
      if (args) for (const name of namesIn(args)) names.add(name);
    }
  }
  return {
    names,
    covers(definition) {
      if (definition.type === 'lambda_expression') return lists.some((list) => isWithin(definition, list));
      const read = readFunctionDefinition(definition);
      return read !== undefined && names.has(read.name);
    },
  };
}

/** True when a C or C++ function name says it blocks on purpose, in Node's convention: `readSync`, `read_sync`. */
export function isNamedSync(name: string): boolean {
  return /(?:Sync|_sync)$/.test(name);
}

/** The env parameter types of a `napi_finalize` (`node_api_basic_finalize` in newer headers). */
const FINALIZER_ENV_TYPES = new Set(['napi_env', 'node_api_basic_env', 'node_api_nogc_env']);

/**
 * True when `node` runs while something is torn down: in a C++ destructor, a
 * `napi_finalize`-shaped function `void f(napi_env, void *data, void *hint)`, an async work's
 * complete callback `void f(napi_env, napi_status, void *data)`, a method named
 * `Finalize`, or a lambda handed to a finalizer API (`PostFinalizer`, `AddFinalizer`,
 * `node_api_post_finalizer`).
 */
export function isInTeardown(node: Node): boolean {
  for (let current = node.parent; current; current = current.parent) {
    if (current.type === 'lambda_expression') {
      const call = current.parent?.type === 'argument_list' ? current.parent.parent : undefined;
      const name = call?.type === 'call_expression' ? calleeName(call) : undefined;
      if (name && /finali[sz]/i.test(name)) return true;
      continue;
    }
    if (current.type !== 'function_definition') continue;
    const read = readFunctionDefinition(current);
    if (read?.name.startsWith('~')) return true;
    if (read && /^(?:Finalize|finalize)$/.test(read.name)) return true;
    const parameters = read?.parameters ?? [];
    if (parameters.length !== 3 || !FINALIZER_ENV_TYPES.has(parameters[0]?.typeName ?? '')) return false;
    const [, second, third] = parameters;
    const isDataPointer = (parameter: typeof second) => parameter?.typeName === 'void' && parameter.pointerDepth === 1;
    // a napi_finalize, or an async work's complete callback `void f(napi_env, napi_status, void *)`,
    // where the work's references and the work itself are let go
    return isDataPointer(third) && (isDataPointer(second) || (second?.typeName === 'napi_status' && second.pointerDepth === 0));
  }
  return false;
}
