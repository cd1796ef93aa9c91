import type { Node } from 'web-tree-sitter';
import { calleeName } from './calls';
import { stripCasts, stripParentheses } from './expressions';
import { displayName, parametersOf, readFunctionDefinition, resolveFunction, walkBody, type DefinedFunction } from './functions';
import { isNapiFunction } from './napi-callbacks';
import { membersOf, resolveVariable, type FileScope } from './scope';
import { routineOf } from './threads';

/*
 * What runs where in a Node-API addon. The JavaScript thread owns every `napi_env`, `napi_value`
 * and `Napi::` object; code that libuv's pool or the addon's own threads run may touch none of
 * them, except through the few calls Node-API makes thread-safe. This module says which code runs
 * off the JavaScript thread (execute callbacks, `AsyncWorker::Execute` bodies) and what in such
 * code needs the JavaScript thread.
 */

/** Node-API functions documented as callable from any thread (none of them takes an env). */
const ANY_THREAD_CALLS: ReadonlySet<string> = new Set([
  'napi_call_threadsafe_function',
  'napi_acquire_threadsafe_function',
  'napi_release_threadsafe_function',
  'napi_get_threadsafe_function_context',
  'napi_fatal_error',
]);

/** True for a Node-API C function that only the JavaScript thread may call. */
export function needsJsThread(name: string): boolean {
  return isNapiFunction(name) && !ANY_THREAD_CALLS.has(name);
}

/** node-addon-api classes whose objects wrap a `napi_value`, a reference, an env or a scope. */
const NAPI_CLASS =
  /^(?:Value|Object|Array|Function|String|Number|Boolean|BigInt|Symbol|Name|Date|External|Promise|Buffer|ArrayBuffer|SharedArrayBuffer|DataView|TypedArray|TypedArrayOf|(?:Int|Uint)(?:8|16|32)Array|Uint8ClampedArray|Float(?:32|64)Array|Big(?:Int|Uint)64Array|Error|TypeError|RangeError|SyntaxError|Reference|ObjectReference|FunctionReference|Env|CallbackInfo|HandleScope|EscapableHandleScope|AsyncContext|PropertyDescriptor)$/;
/** node-addon-api types that are safe on any thread: thread-safe functions and progress reporters. */
const ANY_THREAD_TYPE = /ThreadSafeFunction|ExecutionProgress/;
/** Accessors of buffers and typed arrays that read fields cached at construction, not the engine. */
const CACHED_VIEW_ACCESSORS = new Set(['Data', 'Length', 'ByteLength', 'ElementLength', 'ElementSize', 'TypedArrayType']);
const VIEW_TYPE = /(?:Buffer|TypedArray(?:Of)?|\d+Array|ClampedArray)\b/;

/** What a file says about the `Napi` namespace: whether its names may appear unqualified. */
export interface NapiNames {
  usesNamespace: boolean;
}

export function readNapiNames(root: Node): NapiNames {
  return { usesNamespace: /\busing\s+namespace\s+Napi\s*;/.test(root.text) };
}

/** `Napi::FunctionReference`, `Napi::Buffer<char>`, `FunctionReference` under `using namespace Napi`. */
function napiClassOf(typeText: string, names: NapiNames): string | undefined {
  const text = typeText.replace(/\s+/g, '').replace(/^::/, '');
  if (ANY_THREAD_TYPE.test(text)) return undefined;
  const qualified = /^Napi::(\w+)/.exec(text);
  if (qualified) return qualified[1];
  const bare = /^(\w+)/.exec(text)?.[1];
  return bare && names.usesNamespace && NAPI_CLASS.test(bare) ? bare : undefined;
}

/** `Napi::String::New`, `Napi::Persistent`, or `String::New` under `using namespace Napi`: a call into node-addon-api. */
function napiStaticCall(callee: Node, names: NapiNames): string | undefined {
  if (callee.type !== 'qualified_identifier') return undefined;
  const text = callee.text.replace(/\s+/g, '').replace(/^::/, '');
  // `Napi::Error::Fatal` aborts from any thread; `Napi::AsyncWorker::SetError` is the worker's own.
  if (/::(?:Fatal|SetError)$/.test(text) || ANY_THREAD_TYPE.test(text)) return undefined;
  if (/^Napi::/.test(text)) return text.replace(/<.*>/, '');
  const [head] = text.split('::');
  return names.usesNamespace && NAPI_CLASS.test(head.replace(/<.*$/, '')) ? text.replace(/<.*>/, '') : undefined;
}

/** Where code that runs off the JavaScript thread uses something that needs it. */
export interface JsThreadUse {
  /** The offending call or declaration, or the call of the helper that contains it. */
  node: Node;
  /** What it does, as a user would write it: `napi_create_string_utf8`, `Env()`, `callback_.Call`. */
  call: string;
  /** When the use is inside a same-file helper: that helper. */
  helper?: DefinedFunction;
}

/** What the analysis of one off-thread body needs to know. */
export interface OffThreadContext {
  functions: ReadonlyMap<string, readonly DefinedFunction[]>;
  scope: FileScope;
  names: NapiNames;
  /** Set in a node-addon-api worker's `Execute`: its own `Env()`, `Callback()` and `Receiver()` count. */
  worker?: boolean;
  /** The `napi_env` parameter an execute callback receives: handing it to code out of sight counts. */
  env?: string;
}

/** The `napi_env` parameter of a callback (its first, by type), if it has a name. */
export function envParameterOf(definition: Node): string | undefined {
  const [first] = parametersOf(definition);
  return first && first.typeName === 'napi_env' && first.pointerDepth === 0 ? first.name : undefined;
}

/** Callees that receive an env only to ignore or check it: `assert(env)`, `NAPI_UNUSED(env)`, `UNUSED(env)`. */
const DISCARDS = /^(?:[A-Z][A-Z0-9_]*|assert|static_assert|sizeof)$/;

/** `log_progress(env, …)`: the env handed to a plain function this file does not define. */
function envHandedAway(call: Node, context: OffThreadContext): string | undefined {
  const callee = call.childForFieldName('function');
  const name = callee ? calleeName(call) : undefined;
  if (!context.env || !callee || !name || (callee.type !== 'identifier' && callee.type !== 'qualified_identifier') || DISCARDS.test(name)) {
    return undefined;
  }
  const passes = argumentsOf(call).some((argument) => {
    const value = stripCasts(argument);
    return value.type === 'identifier' && value.text === context.env;
  });
  return passes && (context.functions.get(name) ?? []).length === 0 ? `${name}(${context.env}, …)` : undefined;
}

const WORKER_ACCESSORS = new Set(['Env', 'Callback', 'Receiver']);

/** The class name a declared type names: `Baton` for `struct Baton`, `ns::Baton`, `Baton<T>`. */
function classNameOf(typeName: string): string {
  return typeName.replace(/^(?:struct|class|union)\s+/, '').replace(/<.*$/s, '').replace(/^.*::/, '').trim();
}

/** The declared type of what an expression names: a variable, or a field of a variable whose struct this file defines. */
function declaredTypeOf(expression: Node, scope: FileScope): string | undefined {
  const node = stripParentheses(expression);
  if (node.type === 'identifier' || node.type === 'qualified_identifier') return resolveVariable(node, scope)?.typeName;
  if (node.type !== 'field_expression') return undefined;
  const base = node.childForFieldName('argument');
  const field = node.childForFieldName('field')?.text;
  const baseType = base ? declaredTypeOf(base, scope) : undefined;
  if (!field || !baseType) return undefined;
  for (const body of scope.classes.get(classNameOf(baseType)) ?? []) {
    const member = membersOf(body).find((variable) => variable.name === field);
    if (member) return member.typeName;
  }
  return undefined;
}

/** A method call on a node-addon-api object (`callback_.Call(...)`, `baton->cb.Value()`), if `call` is one that needs the engine. */
function napiMethodCall(callee: Node, context: OffThreadContext): string | undefined {
  if (callee.type !== 'field_expression') return undefined;
  const object = callee.childForFieldName('argument');
  const method = callee.childForFieldName('field')?.text;
  if (!object || !method || object.type === 'this') return undefined;
  const type = declaredTypeOf(object, context.scope);
  const napiClass = type ? napiClassOf(type, context.names) : undefined;
  if (!type || !napiClass) return undefined;
  if (method === 'IsEmpty') return undefined;
  if (CACHED_VIEW_ACCESSORS.has(method) && VIEW_TYPE.test(type)) return undefined;
  const operator = callee.childForFieldName('operator')?.text ?? '.';
  return `${object.text}${operator}${method}`;
}

/** True for a call of the worker's own `Env()`, `Callback()` or `Receiver()` (bare or through `this`). */
function workerAccessor(callee: Node): string | undefined {
  if (callee.type === 'identifier' && WORKER_ACCESSORS.has(callee.text)) return `${callee.text}()`;
  if (callee.type !== 'field_expression' || callee.childForFieldName('argument')?.type !== 'this') return undefined;
  const field = callee.childForFieldName('field')?.text;
  return field && WORKER_ACCESSORS.has(field) ? `${field}()` : undefined;
}

/** What one node does that needs the JavaScript thread, without looking into helpers. */
function directUse(node: Node, context: OffThreadContext): string | undefined {
  if (node.type === 'declaration') {
    // `Napi::HandleScope scope(env);` opens a handle scope on the engine.
    const type = node.childForFieldName('type')?.text;
    const napiClass = type ? napiClassOf(type, context.names) : undefined;
    return napiClass === 'HandleScope' || napiClass === 'EscapableHandleScope' ? `${type} constructor` : undefined;
  }
  if (node.type !== 'call_expression') return undefined;
  const callee = node.childForFieldName('function');
  if (!callee) return undefined;
  const name = calleeName(node);
  const plain = callee.type === 'identifier' || callee.type === 'qualified_identifier';
  // A `napi_…` function the file defines itself is a helper, judged by what it does.
  if (name && plain && needsJsThread(name) && !context.functions.has(name)) return name;
  if (context.worker) {
    const accessor = workerAccessor(callee);
    if (accessor && (node.childForFieldName('arguments')?.namedChildCount ?? 0) === 0) return accessor;
  }
  const called = napiStaticCall(callee, context.names) ?? napiMethodCall(callee, context);
  return called && `${called}${(node.childForFieldName('arguments')?.namedChildCount ?? 0) === 0 ? '()' : '(…)'}`;
}

/**
 * The same-file function a call invokes by name (`helper(x)`, `Worker::step(x)`, `step(x)` in a
 * member); from a method, a bare name may also mean the one method of that name, as in a base class.
 */
function helperOf(call: Node, context: OffThreadContext, self: DefinedFunction | undefined): DefinedFunction | undefined {
  const callee = call.childForFieldName('function');
  if (!callee || (callee.type !== 'identifier' && callee.type !== 'qualified_identifier')) return undefined;
  const resolved = resolveFunction(callee, context.functions);
  if (resolved || callee.type !== 'identifier' || self?.owner === undefined) return resolved;
  const methods = (context.functions.get(callee.text) ?? []).filter((fn) => fn.owner !== undefined);
  return methods.length === 1 ? methods[0] : undefined;
}

/**
 * The first place, in document order, where `body` (code that runs off the JavaScript thread)
 * does something only the JavaScript thread may do: a Node-API call other than the thread-safe
 * function ones, a node-addon-api constructor or factory (`Napi::String::New`), a method of a
 * `Napi::` object, a handle scope, or, in a worker's `Execute`, its `Env()`/`Callback()`/
 * `Receiver()`. A call to a helper this file defines counts when the helper itself does so (one
 * level deep). Nested lambdas are skipped: they run when something else calls them.
 */
export function firstJsThreadUse(body: Node, context: OffThreadContext, self: Node, followHelpers = true): JsThreadUse | undefined {
  const selfFunction = self.type === 'function_definition' ? readFunctionDefinition(self) : undefined;
  for (const node of walkBody(body)) {
    const call = directUse(node, context);
    if (call) return { node, call };
    if (!followHelpers || node.type !== 'call_expression') continue;
    const handedAway = envHandedAway(node, context);
    if (handedAway) return { node, call: handedAway };
    const helper = helperOf(node, context, selfFunction);
    if (!helper || helper.definition.id === self.id) continue;
    const inner = firstJsThreadUse(helper.body, { ...context, env: undefined }, helper.definition, false);
    if (inner) return { node, call: inner.call, helper };
  }
  return undefined;
}

/** Code that libuv runs on a thread-pool thread for an async work item. */
export interface ExecuteCallback {
  /** The function (or lambda) the async work runs on its worker thread. */
  routine: { kind: 'function'; fn: DefinedFunction } | { kind: 'lambda'; node: Node };
  /** Its definition or lambda node, and body. */
  definition: Node;
  body: Node;
  /** How it was handed over: `napi_create_async_work`, `uv_queue_work`, or `Napi::AsyncWorker` for an `Execute` override. */
  via: string;
}

function argumentsOf(call: Node): Node[] {
  return call.childForFieldName('arguments')?.namedChildren.filter((child): child is Node => child !== null && child.type !== 'comment') ?? [];
}

/** Calls that queue work for libuv's thread pool, and the position of the callback run there. */
const POOL_WORK: ReadonlyMap<string, number> = new Map([
  ['napi_create_async_work', 3],
  ['uv_queue_work', 2],
]);

/**
 * The callbacks that run on libuv's thread pool: the execute callback (4th argument) of every
 * `napi_create_async_work` call in the file, and the work callback of `uv_queue_work`.
 */
export function findAsyncExecuteCallbacks(root: Node, functions: ReadonlyMap<string, readonly DefinedFunction[]>): ExecuteCallback[] {
  const found: ExecuteCallback[] = [];
  for (const call of root.descendantsOfType('call_expression')) {
    const via = call ? calleeName(call) : undefined;
    const position = via ? POOL_WORK.get(via) : undefined;
    if (!call || !via || position === undefined) continue;
    const argument = argumentsOf(call)[position];
    const routine = argument ? routineOf(argument, functions) : undefined;
    if (!routine) continue;
    const definition = routine.kind === 'function' ? routine.fn.definition : routine.node;
    const body = definition.childForFieldName('body');
    if (body) found.push({ routine, definition, body, via });
  }
  return found;
}

/** node-addon-api's worker base classes, whose `Execute()` runs on a libuv pool thread. */
const WORKER_BASE = /(?<![\w:])(?:::)?(Napi::)?Async(?:Progress(?:Queue)?)?Worker(?:Base)?\b/;
/** `class Name [final] : bases {` (struct too), in text. */
const CLASS_HEAD = /\b(?:class|struct)\s+(?:\[\[[^\]]*\]\]\s*|[A-Z_]+_EXPORT\s+)?([A-Za-z_]\w*)\s*(?:final\s*)?:(?!:)\s*([^{};]*)\{/g;

/**
 * The classes a C++ text declares as node-addon-api workers: deriving from `Napi::AsyncWorker`,
 * `Napi::AsyncProgressWorker` or `Napi::AsyncProgressQueueWorker` (unqualified only in a file
 * that speaks of `Napi`), or from a class that does, declared in the same text or known to be one
 * (`isKnownWorker`: what other files of the workspace declare).
 */
export function workerClassesIn(text: string, isKnownWorker: (name: string) => boolean = () => false): Set<string> {
  const mentionsNapi = /\bNapi\b|napi\.h/.test(text);
  const heads = [...text.matchAll(CLASS_HEAD)].map(([, name, bases]) => ({ name, bases }));
  const workers = new Set<string>();
  for (const { name, bases } of heads) {
    const base = WORKER_BASE.exec(bases);
    if (base && (base[1] || mentionsNapi)) workers.add(name);
  }
  for (let grew = true; grew; ) {
    grew = false;
    for (const { name, bases } of heads) {
      if (workers.has(name)) continue;
      const named = bases.match(/[A-Za-z_]\w*(?=\s*(?:<[^{]*>)?\s*(?:,|$))/g) ?? [];
      if (named.some((base) => workers.has(base) || isKnownWorker(base))) {
        workers.add(name);
        grew = true;
      }
    }
  }
  return workers;
}

/** The `via` of a worker's `Execute` override. */
export const WORKER_EXECUTE = 'Napi::AsyncWorker';

/** The `Execute` overrides of the given worker classes that this file defines (in the class or out of line). */
export function findWorkerExecutes(functions: ReadonlyMap<string, readonly DefinedFunction[]>, workers: ReadonlySet<string>): ExecuteCallback[] {
  return (functions.get('Execute') ?? [])
    .filter((fn) => fn.owner !== undefined && workers.has(fn.owner))
    .map((fn) => ({ routine: { kind: 'function', fn }, definition: fn.definition, body: fn.body, via: WORKER_EXECUTE }));
}

/** A routine as a message names it: `` `Worker::Execute` ``, `` `work` ``, or `The lambda`. */
export function routineName(routine: ExecuteCallback['routine']): string {
  return routine.kind === 'lambda' ? 'The lambda' : `\`${displayName(routine.fn)}\``;
}
