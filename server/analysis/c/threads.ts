import type { Node } from 'web-tree-sitter';
import { calleeName } from './calls';
import { stripCasts } from './expressions';
import { enclosingFunction, readFunctionDefinition, resolveFunction, type DefinedFunction } from './functions';

/** Where code handed to another thread, or to a library that calls it back, is started. */
export interface EntryPoint {
  /** The code that runs there: a function this file defines, or a lambda. */
  routine: { kind: 'function'; fn: DefinedFunction } | { kind: 'lambda'; node: Node };
  /** The API it was handed to, as written: `pthread_create`, `std::thread`, `g_log_set_handler`. */
  via: string;
  /** `thread`: it runs on a new thread; `callback`: a library keeps it and calls it later. */
  kind: 'thread' | 'callback';
  /** The argument that names the routine. */
  argument: Node;
}

/** C thread-start functions and the position of their start routine. */
const THREAD_STARTERS: ReadonlyMap<string, number> = new Map([
  ['pthread_create', 2],
  ['_beginthreadex', 2],
  ['_beginthread', 0],
  ['CreateThread', 2],
  ['thrd_create', 1],
  ['uv_thread_create', 1],
  ['g_thread_new', 1],
  ['g_thread_try_new', 1],
  ['g_thread_create', 0],
  ['SDL_CreateThread', 0],
  ['PyThread_start_new_thread', 0],
]);
/** C++ thread types whose constructor takes the callable first. */
const THREAD_TYPES = /^(?:::)?std::j?thread$/;

/**
 * Callee names (in snake case) that register a callback for a library to call later. Read word by
 * word: `lib_register_callback`, `g_log_set_handler`, `set_progress_cb`, `bus_subscribe`,
 * `add_listener`.
 */
const REGISTERS_CALLBACK =
  /(?:^|_)(?:register|subscribe)(?:_|$)|(?:^|_)set_(?:\w+_)?(?:callback|cb|handler|hook|listener)s?(?:_|$)|(?:^|_)(?:handler|hook)s?$|(?:^|_)add_(?:\w+_)?(?:listener|callback|handler|hook)s?(?:_|$)/;
/** Names that match the above but look up, remove or invoke instead of registering. */
const NOT_A_REGISTRATION =
  /(?:^|_)(?:get|is|has|find|lookup|remove|unregister|deregister|unsubscribe|unhook|disconnect|clear|free|destroy|call|invoke|run|fire|trigger|emit|dispatch|default)(?:_|$)/;
/**
 * Registrations in the binding's own Python-facing API (`pyg_register_boxed_custom`,
 * `PyCapsule_...`, `Py_AtExit`): the interpreter or the binding calls these back with the GIL held.
 */
const PYTHON_SIDE = /^_*py/i;

/** `sqlite3_busy_handler`, `registerCallback` → `register_callback`. */
function snakeCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .toLowerCase()
    .replace(/^_+/, '');
}

/** True when a callee's name says it keeps a function pointer to call back later. */
export function registersCallback(name: string): boolean {
  if (PYTHON_SIDE.test(name)) return false;
  const words = snakeCase(name);
  return REGISTERS_CALLBACK.test(words) && !NOT_A_REGISTRATION.test(words);
}

/**
 * The routine an argument names: `worker`, `&worker`, `(void *(*)(void *))worker`,
 * `&Worker::run`, `G_CALLBACK(on_event)`, or a lambda.
 */
export function routineOf(
  argument: Node,
  functions: ReadonlyMap<string, readonly DefinedFunction[]>,
): EntryPoint['routine'] | undefined {
  let node = stripCasts(argument);
  if (node.type === 'pointer_expression' && node.childForFieldName('operator')?.text === '&') {
    const inner = node.childForFieldName('argument');
    if (!inner) return undefined;
    node = stripCasts(inner);
  }
  // A casting macro such as `G_CALLBACK(fn)` or `G_SOURCE_FUNC(fn)`.
  if (node.type === 'call_expression') {
    const name = calleeName(node);
    const args = node.childForFieldName('arguments')?.namedChildren.filter((child) => child?.type !== 'comment') ?? [];
    if (!name || !/^[A-Z][A-Z0-9_]*$/.test(name) || args.length !== 1 || !args[0]) return undefined;
    node = stripCasts(args[0]);
  }
  if (node.type === 'lambda_expression') return { kind: 'lambda', node };
  // `type_identifier`: the callable of `std::thread t(worker);`, which parses as a parameter type.
  if (!['identifier', 'qualified_identifier', 'type_identifier'].includes(node.type)) return undefined;
  const fn = resolveFunction(node, functions);
  return fn ? { kind: 'function', fn } : undefined;
}

/** For an argument that names a parameter of the enclosing function: that function and the parameter's position. */
function forwardingParameter(
  argument: Node,
  functions: ReadonlyMap<string, readonly DefinedFunction[]>,
): { fn: DefinedFunction; index: number } | undefined {
  const node = stripCasts(argument);
  if (node.type !== 'identifier') return undefined;
  const definition = enclosingFunction(node);
  if (definition?.type !== 'function_definition') return undefined;
  const fn = readFunctionDefinition(definition);
  if (!fn || (functions.get(fn.name) ?? []).length !== 1) return undefined;
  const index = fn.parameters.findIndex((parameter) => parameter.name === node.text);
  return index >= 0 ? { fn, index } : undefined;
}

/** Every call in the file, by the last name of its callee. */
function callsByName(root: Node): Map<string, Node[]> {
  const calls = new Map<string, Node[]>();
  for (const call of root.descendantsOfType('call_expression')) {
    const name = call ? calleeName(call) : undefined;
    if (!call || !name) continue;
    const list = calls.get(name);
    if (list) list.push(call);
    else calls.set(name, [call]);
  }
  return calls;
}

function argumentsOf(list: Node | null | undefined): Node[] {
  return list?.namedChildren.filter((child): child is Node => child !== null && child.type !== 'comment') ?? [];
}

/** The callable handed to a `std::thread` being constructed by a declaration (`std::thread t(worker, 1);`). */
function threadDeclarationArgument(declaration: Node): Node | undefined {
  const type = declaration.childForFieldName('type');
  if (!type || !THREAD_TYPES.test(type.text.replace(/\s+/g, ''))) return undefined;
  const declarator = declaration.childForFieldName('declarator');
  if (declarator?.type === 'init_declarator') {
    const value = declarator.childForFieldName('value');
    if (value?.type === 'argument_list' || value?.type === 'initializer_list') return argumentsOf(value)[0];
    return undefined;
  }
  // `std::thread t(worker);` reads like a function declaration whose parameter type is `worker`.
  if (declarator?.type === 'function_declarator') {
    const [first] = argumentsOf(declarator.childForFieldName('parameters'));
    if (first?.type !== 'parameter_declaration' || first.childForFieldName('declarator')) return undefined;
    return first.childForFieldName('type') ?? undefined;
  }
  return undefined;
}

/**
 * Every place in a C/C++ file where a routine this file defines (or a lambda) is handed to a
 * thread-start API (`pthread_create`, `std::thread`, `_beginthreadex`, `CreateThread`, …) or to a
 * callback registration of a native library.
 */
export function findEntryPoints(root: Node, functions: ReadonlyMap<string, readonly DefinedFunction[]>): EntryPoint[] {
  const found: EntryPoint[] = [];
  let callsByCallee: Map<string, Node[]> | undefined;
  const add = (argument: Node | undefined, via: string, kind: EntryPoint['kind']) => {
    if (!argument) return;
    const routine = routineOf(argument, functions);
    if (routine) {
      found.push({ routine, via, kind, argument });
      return;
    }
    // `start_thread(void *(*routine)(void *), …) { pthread_create(&t, NULL, routine, …); }`:
    // follow the parameter to the routines this file's callers pass (one level).
    const forwarded = forwardingParameter(argument, functions);
    if (!forwarded) return;
    callsByCallee ??= callsByName(root);
    for (const call of callsByCallee.get(forwarded.fn.name) ?? []) {
      const callee = call.childForFieldName('function');
      if (!callee || resolveFunction(callee, functions)?.definition.id !== forwarded.fn.definition.id) continue;
      const passed = argumentsOf(call.childForFieldName('arguments'))[forwarded.index];
      const passedRoutine = passed ? routineOf(passed, functions) : undefined;
      if (passed && passedRoutine) found.push({ routine: passedRoutine, via, kind, argument: passed });
    }
  };
  for (const call of root.descendantsOfType('call_expression')) {
    if (!call) continue;
    const callee = call.childForFieldName('function');
    const args = argumentsOf(call.childForFieldName('arguments'));
    const calleeText = callee?.text.replace(/\s+/g, '') ?? '';
    if (THREAD_TYPES.test(calleeText)) {
      add(args[0], calleeText.replace(/^::/, ''), 'thread');
      continue;
    }
    if (/^(?:::)?std::async$/.test(calleeText)) {
      if (args.length >= 2 && /launch::async$/.test(args[0].text.replace(/\s+/g, ''))) add(args[1], 'std::async', 'thread');
      continue;
    }
    const name = calleeName(call);
    if (!name) continue;
    const position = THREAD_STARTERS.get(name);
    if (position !== undefined) {
      add(args[position], name, 'thread');
      continue;
    }
    if (!registersCallback(name)) continue;
    for (const argument of args) add(argument, name, 'callback');
  }
  for (const expression of root.descendantsOfType('new_expression')) {
    const type = expression?.childForFieldName('type');
    if (!expression || !type || !THREAD_TYPES.test(type.text.replace(/\s+/g, ''))) continue;
    add(argumentsOf(expression.childForFieldName('arguments'))[0], type.text.replace(/\s+/g, '').replace(/^::/, ''), 'thread');
  }
  for (const declaration of root.descendantsOfType('declaration')) {
    if (!declaration) continue;
    const argument = threadDeclarationArgument(declaration);
    const type = declaration.childForFieldName('type');
    if (argument && type) add(argument, type.text.replace(/\s+/g, '').replace(/^::/, ''), 'thread');
  }
  return found;
}
