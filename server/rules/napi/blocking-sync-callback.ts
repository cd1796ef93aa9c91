import type { Node } from 'web-tree-sitter';
import { blockingRoutineReason } from '../../analysis/c/blocking-functions';
import { calleeName } from '../../analysis/c/calls';
import { variablesDeclaredBy, type DeclaredVariable } from '../../analysis/c/declarations';
import { isAddressOf, stripParentheses } from '../../analysis/c/expressions';
import {
  displayName,
  firstReached,
  readDefinedFunctions,
  readFunctionDefinition,
  resolveFunction,
  walkBody,
  type DefinedFunction,
} from '../../analysis/c/functions';
import { isNamedSync, readSyncExports, syncCallbackStyle, type SyncExports } from '../../analysis/c/napi-callbacks';
import { readFileScope, resolveVariable, type FileScope } from '../../analysis/c/scope';
import { defineRule } from '../../engine/rule';

/** POSIX calls on a descriptor that a non-blocking descriptor turns into "try once". */
const DESCRIPTOR_IO = new Set([
  'read', 'readv', 'pread', 'preadv', 'write', 'writev', 'recv', 'recvfrom', 'recvmsg', 'send', 'sendto', 'sendmsg',
  'accept', 'accept4', 'connect',
]);
/**
 * Routine names that are also common method names: inside a method of a class whose body this file
 * does not show, an unqualified `write(…)` may well be the class's own `write`.
 */
const METHOD_LIKE = new Set(['read', 'write', 'open', 'send', 'recv', 'connect', 'accept', 'wait', 'sleep', 'system', 'poll', 'select', 'pause']);
/** Text that shows the file puts descriptors in non-blocking mode. */
const NON_BLOCKING_MODE = /\b(?:O_NONBLOCK|O_NDELAY|SOCK_NONBLOCK|FIONBIO|MSG_DONTWAIT)\b/;
/** Readiness waits whose last argument is a timeout: 0 means "just look". */
const TIMEOUT_LAST = new Set(['poll', 'epoll_wait', 'epoll_pwait']);
const STD_STREAMS = /^(?:std::)?[io]?fstream$/;
const THREAD_TYPES = /\b(?:std::)?j?thread\b/;
const FUTURE_TYPES = /\b(?:std::)?(?:shared_)?future\b/;

interface Blocking {
  /** The node to underline. */
  node: Node;
  /** The call as the user reads it: `usleep`, `std::this_thread::sleep_for`, `worker.join`. */
  call: string;
  why: string;
}

interface Context {
  scope: FileScope;
  functions: Map<string, DefinedFunction[]>;
  /** Names the file declares as class members or defines itself: calls to them are not the C library's. */
  ownNames: Set<string>;
  nonBlockingFile: boolean;
  exports: SyncExports;
}

/** Function names declared or defined in this file (methods included), except file-scope re-declarations of library routines. */
function ownFunctionNames(root: Node): Set<string> {
  const names = new Set<string>();
  for (const declarator of root.descendantsOfType('function_declarator')) {
    let name = declarator?.childForFieldName('declarator');
    while (name?.type === 'qualified_identifier') name = name.childForFieldName('name');
    if (!declarator || !name) continue;
    let holder = declarator.parent;
    while (holder?.type === 'pointer_declarator' || holder?.type === 'reference_declarator') holder = holder.parent;
    const isLibraryPrototype = holder?.type === 'declaration' && holder.parent?.type === 'translation_unit' && !/^\s*static\b/.test(holder.text);
    if (holder?.type === 'function_definition' || holder?.type === 'field_declaration' || (holder?.type === 'declaration' && !isLibraryPrototype))
      names.add(name.text);
  }
  return names;
}

/** The variable an object expression (`t`, `threads[i]`, `*worker`) starts from, when it is a plain name. */
function objectVariable(object: Node, scope: FileScope): DeclaredVariable | undefined {
  let node = stripParentheses(object);
  if (node.type === 'subscript_expression') node = node.childForFieldName('argument') ?? node;
  if (node.type === 'pointer_expression' && node.childForFieldName('operator')?.text === '*') node = node.childForFieldName('argument') ?? node;
  if (node.type !== 'identifier') return undefined;
  const variable = resolveVariable(node, scope);
  if (!variable) return undefined;
  // `for (auto &t : threads) t.join();`: the element type comes from the range.
  if (variable.declaration.type === 'for_range_loop' && /^(?:const\s+)?auto$/.test(variable.typeName ?? '')) {
    const range = variable.declaration.childForFieldName('right');
    return range ? objectVariable(range, scope) : undefined;
  }
  return variable;
}

/** The full type text of a variable's declaration, template arguments included. */
function typeText(variable: DeclaredVariable): string {
  return variable.declaration.childForFieldName('type')?.text ?? variable.typeName ?? '';
}

function literalZero(node: Node | null | undefined): boolean {
  return node !== null && node !== undefined && /^0[uUlL]*$/.test(stripParentheses(node).text);
}

/** Why a plain call of a C library routine blocks here, or undefined (own functions, function pointers, non-blocking uses). */
function routineBlocking(call: Node, name: string, context: Context): string | undefined {
  const why = blockingRoutineReason(name, { locks: false, files: true });
  if (!why) return undefined;
  const callee = call.childForFieldName('function');
  if (callee?.type === 'identifier') {
    if (context.ownNames.has(name)) return undefined;
    if (METHOD_LIKE.has(name) && inMethodOfUnseenClass(call, context.scope)) return undefined;
    const variable = resolveVariable(callee, context.scope);
    if (variable && variable.shape !== 'function') return undefined;
  }
  const args = call.childForFieldName('arguments')?.namedChildren.filter((arg): arg is Node => arg !== null && arg.type !== 'comment') ?? [];
  if (/^open(?:at)?$/.test(name) && args.some((arg) => NON_BLOCKING_MODE.test(arg.text))) return undefined;
  if (DESCRIPTOR_IO.has(name) && (context.nonBlockingFile || args.some((arg) => /\bMSG_DONTWAIT\b/.test(arg.text)))) return undefined;
  if (TIMEOUT_LAST.has(name) && literalZero(args.at(-1))) return undefined;
  if (/^wait(?:pid|id|3|4)$/.test(name) && args.some((arg) => /\bWNOHANG\b/.test(arg.text))) return undefined;
  return why;
}

/** True when `node` is in a method (`Port::Write`) of a class whose body is declared in another file. */
function inMethodOfUnseenClass(node: Node, scope: FileScope): boolean {
  for (let current = node.parent; current; current = current.parent) {
    if (current.type !== 'function_definition') continue;
    const owner = readFunctionDefinition(current)?.owner;
    return owner !== undefined && !scope.classes.has(owner) && !scope.namespaces.has(owner);
  }
  return false;
}

function firstArgument(call: Node): Node | undefined {
  return call.childForFieldName('arguments')?.namedChildren.find((arg): arg is Node => arg !== null && arg.type !== 'comment');
}

/** C++ `getline(stream, line)`: blocking when the stream is a file stream or `std::cin`, not a string stream. */
function streamGetline(call: Node, callee: Node, context: Context): Blocking | undefined {
  const stream = firstArgument(call);
  const variable = stream ? objectVariable(stream, context.scope) : undefined;
  const text = stream?.text.replace(/\s+/g, '') ?? '';
  if (/^(?:std::)?cin$/.test(text) || (variable && STD_STREAMS.test(typeText(variable))))
    return { node: callee, call: callee.text.replace(/\s+/g, ''), why: 'waits for a line of input' };
  return undefined;
}

/** What blocks in one call or declaration of a callback body, if anything does (helpers aside). */
function blockingAt(node: Node, context: Context): Blocking | undefined {
  if (node.type === 'declaration') {
    const type = node.childForFieldName('type')?.text ?? '';
    if (!STD_STREAMS.test(type)) return undefined;
    for (const variable of variablesDeclaredBy(node)) {
      const opened = variable.shape === 'function' || (variable.initializer !== undefined && variable.initializer.namedChildCount > 0);
      if (opened) return { node: variable.declarator, call: `${type} ${variable.name}(…)`, why: 'opens and reads or writes a file' };
    }
    return undefined;
  }
  if (node.type !== 'call_expression') return undefined;
  const callee = node.childForFieldName('function');
  if (!callee) return undefined;
  const first = firstArgument(node);
  if (callee.type === 'identifier' && callee.text === 'getline' && first && !isAddressOf(first)) {
    return streamGetline(node, callee, context); // C++ `getline(stream, line)` under `using namespace std`
  }
  if (callee.type === 'identifier') {
    const why = routineBlocking(node, callee.text, context);
    return why ? { node: callee, call: callee.text, why } : undefined;
  }
  if (callee.type === 'qualified_identifier') {
    const text = callee.text.replace(/\s+/g, '');
    if (/^(?:::)?std::this_thread::sleep_(?:for|until)$/.test(text)) return { node: callee, call: text, why: 'sleeps' };
    const name = calleeName(node);
    if (!name || !/^(?:::)?(?:std::)?\w+$/.test(text)) return undefined;
    if (name === 'getline' && /^(?:::)?std::/.test(text)) return streamGetline(node, callee, context);
    const why = routineBlocking(node, name, context);
    return why ? { node: callee, call: text, why } : undefined;
  }
  if (callee.type === 'field_expression') {
    const method = callee.childForFieldName('field')?.text;
    const object = callee.childForFieldName('argument');
    if (!method || !object) return undefined;
    const variable = objectVariable(object, context.scope);
    if (!variable) return undefined;
    const type = typeText(variable);
    const call = callee.text.replace(/\s+/g, '');
    if (method === 'join' && THREAD_TYPES.test(type)) return { node: callee, call, why: 'waits for a thread to finish' };
    if ((method === 'get' || method === 'wait') && FUTURE_TYPES.test(type)) return { node: callee, call, why: 'waits for a result from another thread' };
    if (method === 'open' && STD_STREAMS.test(type)) return { node: callee, call, why: 'opens a file' };
  }
  return undefined;
}

/** The first blocking call a same-file helper makes, itself or through its own helpers. */
function helperBlocking(fn: DefinedFunction, context: Context, memo: Map<number, Blocking | null>): Blocking | undefined {
  return firstReached(fn, (node) => blockingAt(node, context), (call) => calledHelper(call, context), memo);
}

/** The same-file function a call runs, unless it is itself a callback (reported on its own) or blocks by name on purpose. */
function calledHelper(call: Node, context: Context): DefinedFunction | undefined {
  const callee = call.childForFieldName('function');
  if (!callee || (callee.type !== 'identifier' && callee.type !== 'qualified_identifier')) return undefined;
  const helper = resolveFunction(callee, context.functions);
  if (!helper || syncCallbackStyle(helper.definition) || isNamedSync(helper.name)) return undefined;
  return helper;
}

/** The name a user knows a callback by: `Read`, `File::Read`; undefined for a lambda. */
function callbackName(definition: Node): string | undefined {
  if (definition.type === 'lambda_expression') return undefined;
  const read = readFunctionDefinition(definition);
  return read ? displayName(read) : undefined;
}

export default defineRule({
  id: 'napi/blocking-sync-callback',
  languages: ['c', 'cpp'],
  severity: 'info',
  questions: [29],
  description:
    'A synchronous N-API callback (napi_callback or node-addon-api method) sleeps, waits for I/O, a child process or a thread, or resolves a name, blocking the Node event loop while it runs.',
  messages: {
    blocking:
      '`{{call}}` {{why}}: {{callback}} is called synchronously on the JavaScript thread, so the event loop stalls until it returns. Do the work in napi_create_async_work / Napi::AsyncWorker, or export the function under a name ending in Sync.',
    helper:
      '`{{call}}` calls `{{inner}}`, which {{why}}: {{callback}} is called synchronously on the JavaScript thread, so the event loop stalls until it returns. Do the work in napi_create_async_work / Napi::AsyncWorker, or export the function under a name ending in Sync.',
  },
  fixable: false,
  triggers: ['napi_callback_info', 'CallbackInfo'],
  check(context) {
    const root = context.root;
    const analysis: Context = {
      scope: context.shared(readFileScope),
      functions: context.shared(readDefinedFunctions),
      ownNames: ownFunctionNames(root),
      nonBlockingFile: NON_BLOCKING_MODE.test(context.source),
      exports: readSyncExports(root),
    };
    const memo = new Map<number, Blocking | null>();
    for (const definition of root.descendantsOfType(['function_definition', 'lambda_expression'])) {
      if (!definition || !syncCallbackStyle(definition) || analysis.exports.covers(definition)) continue;
      const name = callbackName(definition);
      if (name && isNamedSync(name)) continue;
      const body = definition.childForFieldName('body');
      if (!body) continue;
      const callback = name ? `\`${name}\`` : 'this lambda';
      const reportedLines = new Set<number>();
      for (const node of walkBody(body)) {
        if (reportedLines.has(node.startPosition.row)) continue;
        const found = blockingAt(node, analysis);
        if (found) {
          reportedLines.add(node.startPosition.row);
          context.report({ node: found.node, messageId: 'blocking', data: { call: found.call, why: found.why, callback } });
          continue;
        }
        const helper = node.type === 'call_expression' ? calledHelper(node, analysis) : undefined;
        const inner = helper ? helperBlocking(helper, analysis, memo) : undefined;
        if (!helper || !inner) continue;
        reportedLines.add(node.startPosition.row);
        context.report({
          node: node.childForFieldName('function') ?? node,
          messageId: 'helper',
          data: { call: helper.name, inner: inner.call, why: inner.why, callback },
        });
      }
    }
  },
});
