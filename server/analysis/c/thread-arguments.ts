import type { Node } from 'web-tree-sitter';
import { calleeName } from './calls';

/** A place where C/C++ code starts a new thread, with what it hands that thread. */
export interface ThreadStart {
  /** The call, declaration or `new` expression that starts the thread. */
  site: Node;
  /** The API as written: `pthread_create`, `std::thread`, `std::async`. */
  via: string;
  /** The argument naming the code the thread runs (a function, a lambda, a variable holding one). */
  routine: Node | undefined;
  /** The values passed on to that code: `arg` of `pthread_create`, the extra arguments of `std::thread`. */
  passed: Node[];
}

/** C thread-start functions: position of the start routine and of the argument it receives. */
const C_THREAD_STARTERS: ReadonlyMap<string, { routine: number; argument: number }> = new Map([
  ['pthread_create', { routine: 2, argument: 3 }],
  ['_beginthreadex', { routine: 2, argument: 3 }],
  ['_beginthread', { routine: 0, argument: 2 }],
  ['CreateThread', { routine: 2, argument: 3 }],
  ['thrd_create', { routine: 1, argument: 2 }],
  ['uv_thread_create', { routine: 1, argument: 2 }],
  ['g_thread_new', { routine: 1, argument: 2 }],
  ['g_thread_try_new', { routine: 1, argument: 2 }],
  ['g_thread_create', { routine: 0, argument: 1 }],
  ['SDL_CreateThread', { routine: 0, argument: 2 }],
]);
/** C++ thread types whose constructor takes the callable, then its arguments. */
const THREAD_TYPES = /^(?:::)?std::j?thread$/;
const ASYNC = /^(?:::)?std::async$/;

function argumentsOf(list: Node | null | undefined): Node[] {
  return list?.namedChildren.filter((child): child is Node => child !== null && child.type !== 'comment') ?? [];
}

function compact(text: string): string {
  return text.replace(/\s+/g, '').replace(/^::/, '');
}

/**
 * `std::async(policy?, f, args...)`: the callable and its arguments, or undefined when the policy
 * is `std::launch::deferred` alone, which runs `f` later on the thread that asks for the result.
 */
function asyncStart(site: Node, args: Node[]): ThreadStart | undefined {
  const policy = args[0] && /launch::/.test(args[0].text) ? args[0] : undefined;
  if (policy && !/launch::async/.test(policy.text)) return undefined;
  const rest = policy ? args.slice(1) : args;
  return { site, via: 'std::async', routine: rest[0], passed: rest.slice(1) };
}

/**
 * The arguments of `std::thread t(worker, env);`, which the grammar reads as a function
 * declaration whose parameter types are `worker` and `env`; or of `std::thread t{worker, env}`.
 */
function declaredThreadArguments(declaration: Node): Node[] | undefined {
  const type = declaration.childForFieldName('type');
  if (!type || !THREAD_TYPES.test(compact(type.text))) return undefined;
  const declarator = declaration.childForFieldName('declarator');
  if (declarator?.type === 'init_declarator') {
    const value = declarator.childForFieldName('value');
    return value?.type === 'argument_list' || value?.type === 'initializer_list' ? argumentsOf(value) : undefined;
  }
  if (declarator?.type === 'function_declarator') {
    const parameters = argumentsOf(declarator.childForFieldName('parameters'));
    // Only bare names: `std::thread t(int n)` really declares a function.
    if (parameters.some((p) => p.type !== 'parameter_declaration' || p.childForFieldName('declarator'))) return undefined;
    return parameters.map((p) => p.childForFieldName('type')).filter((t): t is Node => t !== null);
  }
  return undefined;
}

/**
 * Every place in a C/C++ file that starts a thread through a C thread API (`pthread_create`,
 * `CreateThread`, `thrd_create`, …), a `std::thread`/`std::jthread` (call, declaration or `new`)
 * or `std::async` without a deferred-only policy, with the values handed to the new thread.
 */
export function findThreadStarts(root: Node): ThreadStart[] {
  const starts: ThreadStart[] = [];
  for (const call of root.descendantsOfType('call_expression')) {
    if (!call) continue;
    const args = argumentsOf(call.childForFieldName('arguments'));
    const callee = compact(call.childForFieldName('function')?.text ?? '');
    if (THREAD_TYPES.test(callee)) {
      starts.push({ site: call, via: callee, routine: args[0], passed: args.slice(1) });
      continue;
    }
    if (ASYNC.test(callee)) {
      const start = asyncStart(call, args);
      if (start) starts.push(start);
      continue;
    }
    const name = calleeName(call);
    const positions = name ? C_THREAD_STARTERS.get(name) : undefined;
    if (!name || !positions) continue;
    const argument = args[positions.argument];
    starts.push({ site: call, via: name, routine: args[positions.routine], passed: argument ? [argument] : [] });
  }
  for (const expression of root.descendantsOfType('new_expression')) {
    const type = expression?.childForFieldName('type');
    if (!expression || !type || !THREAD_TYPES.test(compact(type.text))) continue;
    const args = argumentsOf(expression.childForFieldName('arguments'));
    starts.push({ site: expression, via: compact(type.text), routine: args[0], passed: args.slice(1) });
  }
  for (const declaration of root.descendantsOfType('declaration')) {
    const args = declaration ? declaredThreadArguments(declaration) : undefined;
    const type = declaration?.childForFieldName('type');
    if (!declaration || !args || !type) continue;
    starts.push({ site: declaration, via: compact(type.text), routine: args[0], passed: args.slice(1) });
  }
  return starts;
}
