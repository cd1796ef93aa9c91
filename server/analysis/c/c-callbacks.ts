import type { Node } from 'web-tree-sitter';
import { calleeName } from './calls';
import type { DefinedFunction } from './functions';
import { routineOf, type EntryPoint } from './threads';

/**
 * Routines that C code calls: functions and lambdas a C++ file hands to a well-known C API
 * (threads, `atexit`, `qsort`, signals, N-API, libuv, SQLite, libcurl, libffi, GLib). Between the
 * routine and its caller there are C frames, which a C++ exception cannot cross.
 */

/** One routine handed to a C API. */
export interface CCallback {
  routine: EntryPoint['routine'];
  /** The API as written at the call: `qsort`, `napi_create_async_work`. */
  via: string;
  argument: Node;
}

/** Registration functions of C APIs and the argument positions that take a function pointer. */
const C_REGISTRATIONS: ReadonlyMap<string, readonly number[]> = new Map<string, readonly number[]>([
  // C and POSIX runtime
  ['pthread_create', [2]],
  ['pthread_once', [1]],
  ['pthread_key_create', [1]],
  ['pthread_atfork', [0, 1, 2]],
  ['thrd_create', [1]],
  ['atexit', [0]],
  ['at_quick_exit', [0]],
  ['qsort', [3]],
  ['qsort_r', [3]],
  ['bsearch', [4]],
  ['signal', [1]],
  ['on_exit', [0]],
  // Windows threads
  ['CreateThread', [2]],
  ['_beginthreadex', [2]],
  ['_beginthread', [0]],
  // Node-API (raw C callbacks)
  ['napi_create_function', [3]],
  ['napi_define_class', [3]],
  ['napi_create_async_work', [3, 4]],
  ['napi_wrap', [3]],
  ['napi_add_finalizer', [3]],
  ['napi_create_external', [2]],
  ['napi_create_external_arraybuffer', [3]],
  ['napi_create_external_buffer', [3]],
  ['napi_set_instance_data', [2]],
  ['napi_add_env_cleanup_hook', [1]],
  ['napi_add_async_cleanup_hook', [1]],
  ['napi_create_threadsafe_function', [7, 9]],
  // libuv
  ['uv_queue_work', [2, 3]],
  ['uv_async_init', [2]],
  ['uv_timer_start', [1]],
  ['uv_idle_start', [1]],
  ['uv_check_start', [1]],
  ['uv_prepare_start', [1]],
  ['uv_poll_start', [2]],
  ['uv_signal_start', [1]],
  ['uv_fs_event_start', [1]],
  ['uv_read_start', [1, 2]],
  ['uv_write', [4]],
  ['uv_listen', [2]],
  ['uv_close', [1]],
  ['uv_walk', [1]],
  ['uv_once', [1]],
  ['uv_thread_create', [1]],
  // SQLite
  ['sqlite3_exec', [2]],
  ['sqlite3_create_function', [5, 6, 7]],
  ['sqlite3_create_function_v2', [5, 6, 7, 8]],
  ['sqlite3_create_collation', [4]],
  ['sqlite3_create_collation_v2', [4, 5]],
  ['sqlite3_busy_handler', [1]],
  ['sqlite3_progress_handler', [2]],
  ['sqlite3_commit_hook', [1]],
  ['sqlite3_rollback_hook', [1]],
  ['sqlite3_update_hook', [1]],
  ['sqlite3_wal_hook', [1]],
  ['sqlite3_set_authorizer', [1]],
  ['sqlite3_trace', [1]],
  ['sqlite3_trace_v2', [2]],
  ['sqlite3_profile', [1]],
  // libffi closures, GLib
  ['ffi_prep_closure', [2]],
  ['ffi_prep_closure_loc', [2]],
  ['g_idle_add', [0]],
  ['g_timeout_add', [1]],
  ['g_thread_new', [1]],
]);

/**
 * Tables of function pointers that a C runtime reads (`static PyMethodDef methods[] = {{"f", f, …}}`),
 * by element type, with the positions in each row that hold a function.
 */
const CALLBACK_TABLES: ReadonlyMap<string, readonly number[]> = new Map<string, readonly number[]>([
  ['PyMethodDef', [1]],
  ['PyGetSetDef', [1, 2]],
  ['PyType_Slot', [1]],
  ['napi_property_descriptor', [2, 3, 4]],
  ['JNINativeMethod', [2]],
]);

/**
 * True when a file's text names one of the registration APIs or tables above (or curl's setopt):
 * without one, no routine of the file is handed to C, and a cheap text test spares the parse.
 */
export function mentionsCRegistration(text: string): boolean {
  registrationMention ??= new RegExp(
    [...C_REGISTRATIONS.keys(), ...CALLBACK_TABLES.keys(), 'curl_(?:easy|multi|share)_setopt'].join('|'),
  );
  return registrationMention.test(text);
}

let registrationMention: RegExp | undefined;

/** `curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, fn)`: options named `…FUNCTION` take a callback. */
const CURL_SETOPT = /^curl_(?:easy|multi|share)_setopt$/;

/**
 * True when the callee is the C function itself: `qsort(…)`, `::qsort(…)`, `std::qsort(…)`, not
 * a method or another namespace's function of the same name (`obj.signal(…)`, `sig::signal(…)`).
 */
function isPlainCFunction(call: Node): boolean {
  const callee = call.childForFieldName('function');
  if (callee?.type === 'identifier') return true;
  return callee?.type === 'qualified_identifier' && /^(?:::|std::)[A-Za-z_]\w*$/.test(callee.text.replace(/\s+/g, ''));
}

/** Every routine this file defines (or a lambda) that it hands to one of the C APIs or puts in one of the tables above. */
export function findCCallbacks(root: Node, functions: ReadonlyMap<string, readonly DefinedFunction[]>): CCallback[] {
  const found: CCallback[] = [];
  for (const call of root.descendantsOfType('call_expression')) {
    if (!call || !isPlainCFunction(call)) continue;
    const name = calleeName(call);
    if (!name) continue;
    const args = call.childForFieldName('arguments')?.namedChildren.filter((child): child is Node => child !== null && child.type !== 'comment') ?? [];
    let positions = C_REGISTRATIONS.get(name);
    if (!positions && CURL_SETOPT.test(name) && /FUNCTION$/.test(args[1]?.text ?? '')) positions = [2];
    for (const position of positions ?? []) {
      const argument = args[position];
      const routine = argument ? routineOf(argument, functions) : undefined;
      if (argument && routine) found.push({ routine, via: name, argument });
    }
  }
  for (const declaration of root.descendantsOfType('declaration')) {
    const type = declaration?.childForFieldName('type')?.text.replace(/^(?:struct\s+)?/, '');
    const positions = type ? CALLBACK_TABLES.get(type) : undefined;
    const value = declaration?.childForFieldName('declarator')?.childForFieldName('value');
    if (!positions || value?.type !== 'initializer_list') continue;
    // One row (`napi_property_descriptor d = {…}`) or an array of rows.
    const rows = value.namedChildren.some((child) => child?.type === 'initializer_list') ? value.namedChildren : [value];
    for (const row of rows) {
      if (row?.type !== 'initializer_list') continue;
      const cells = row.namedChildren.filter((child): child is Node => child !== null && child.type !== 'comment');
      for (const position of positions) {
        const argument = cells[position];
        const routine = argument ? routineOf(argument, functions) : undefined;
        if (argument && routine) found.push({ routine, via: `${type} table`, argument });
      }
    }
  }
  return found;
}
