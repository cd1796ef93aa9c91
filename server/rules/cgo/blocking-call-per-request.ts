import type { Node } from 'web-tree-sitter';
import { crossingCFunction, preambleTypedefs } from '../../analysis/go/c-calls';
import { importsC } from '../../analysis/go/cgo';
import { unaryOperator, unparenthesize } from '../../analysis/go/expressions';
import { isChannel } from '../../analysis/go/channels';
import { fileBindings } from '../../analysis/go/file-bindings';
import { GO_FUNCTIONS, type LocalBindings } from '../../analysis/go/local-bindings';
import { defineRule, type RuleContext } from '../../engine/rule';

/** Name words of C functions that wait: I/O, sockets, sleeping, joining, locking, name lookups. */
const BLOCKING_WORDS = new Set([
  'read', 'pread', 'readv', 'fread', 'fgets', 'recv', 'recvfrom', 'recvmsg', 'accept', 'accept4', 'wait', 'waitpid', 'wait4',
  'timedwait', 'sleep', 'usleep', 'nanosleep', 'poll', 'ppoll', 'select', 'pselect', 'lock', 'flock', 'lockf', 'join',
  'connect', 'getaddrinfo', 'gethostbyname',
]);
/** Words that say the call does not wait after all. */
const NON_BLOCKING_WORDS = new Set(['try', 'trylock', 'tryjoin', 'nonblock', 'nonblocking', 'async', 'unlock', 'timeout', 'set', 'get', 'is', 'has', 'free']);
/** Cleanup calls are not worth a report even inside a per-request goroutine. */
const CLEANUP = /(?:^|_)(?:free|unref|destroy|release|delete|finalize|close|dispose)$/i;
/** Methods that acquire a slot of a bounded pool: semaphore.Weighted, errgroup limits, custom pools. */
const ACQUIRE_METHODS = new Set(['Acquire', 'TryAcquire', 'SetLimit']);

function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split('_')
    .filter(Boolean);
}

function blockingByName(name: string): boolean {
  const parts = words(name);
  return parts.some((word) => BLOCKING_WORDS.has(word)) && !parts.some((word) => NON_BLOCKING_WORDS.has(word));
}

/** C function names the preamble marks with a `blocking` comment on their declaration line. */
function blockingHints(root: Node): Set<string> {
  const names = new Set<string>();
  for (const comment of root.descendantsOfType('comment')) {
    if (!/\bblocking\b/i.test(comment.text)) continue;
    for (const line of comment.text.split('\n')) {
      if (!/\bblocking\b/i.test(line) || /non-?blocking/i.test(line)) continue;
      const declared = /(\w+)\s*\([^()]*\)\s*;/.exec(line);
      if (declared) names.add(declared[1]);
    }
  }
  return names;
}

/** A `// blocking` comment on the call's line. */
function hintedAtCall(call: Node, source: string): boolean {
  const line = source.split('\n')[call.startPosition.row] ?? '';
  return /\/\/.*\bblocking\b/i.test(line) && !/non-?blocking/i.test(line);
}

function isHandler(fn: Node): boolean {
  const parameters = fn.childForFieldName('parameters');
  if (!parameters) return false;
  const types = parameters.namedChildren.map((p) => p.childForFieldName('type')?.text.replace(/\s/g, ''));
  return types.includes('http.ResponseWriter') && types.includes('*http.Request');
}

function functionName(fn: Node): string {
  return fn.childForFieldName('name')?.text ?? 'func literal';
}

/** Nodes under `node` outside nested function literals. */
function ownDescendants(node: Node, types: string[]): Node[] {
  return node.descendantsOfType(types).filter((found) => {
    for (let current = found.parent; current && current.id !== node.id; current = current.parent) {
      if (current.type === 'func_literal') return false;
    }
    return true;
  });
}

/** How a loop receives incoming work: an accept loop, a range over a channel, a receive in the body. */
function incomingWork(loop: Node, bindings: LocalBindings): string | undefined {
  const body = loop.childForFieldName('body');
  if (!body) return undefined;
  const range = loop.namedChildren.find((child) => child.type === 'range_clause');
  const ranged = range?.childForFieldName('right');
  if (ranged && isChannel(unparenthesize(ranged), bindings)) return `per item received from \`${ranged.text}\``;
  for (const call of ownDescendants(body, ['call_expression'])) {
    const callee = call.childForFieldName('function');
    if (callee?.type === 'selector_expression' && /^Accept\w*$/.test(callee.childForFieldName('field')?.text ?? '')) return 'per accepted connection';
  }
  if (ownDescendants(body, ['unary_expression']).some((node) => unaryOperator(node) === '<-')) return 'per received item';
  return undefined;
}

/** A send or an Acquire before `before` in `region`: the concurrency is bounded by a semaphore. */
function bounded(region: Node, before: Node): boolean {
  for (const send of region.descendantsOfType('send_statement')) {
    if (send.startIndex < before.startIndex) return true;
  }
  for (const call of region.descendantsOfType('call_expression')) {
    if (call.startIndex >= before.startIndex) continue;
    const callee = call.childForFieldName('function');
    if (callee?.type === 'selector_expression' && ACQUIRE_METHODS.has(callee.childForFieldName('field')?.text ?? '')) return true;
  }
  return false;
}

interface Place {
  /** `per HTTP request (handler `serve`)`, `per accepted connection`. */
  where: string;
  /** Where a semaphore acquire would be: the handler body, or the loop body. */
  regions: Node[];
  /** True when the call runs in a goroutine the code itself starts with `go`. */
  spawned: boolean;
}

/** The `go f(...)` statements of the file that start the named function. */
function goStatementsByCallee(root: Node): Map<string, Node[]> {
  const byName = new Map<string, Node[]>();
  for (const statement of root.descendantsOfType('go_statement')) {
    const call = statement.namedChild(0);
    const callee = call?.type === 'call_expression' ? call.childForFieldName('function') : undefined;
    if (callee?.type !== 'identifier') continue;
    byName.set(callee.text, [...(byName.get(callee.text) ?? []), statement]);
  }
  return byName;
}

/** Where a `go` statement runs: inside a handler, or in a loop over incoming work (same function). */
function placeOfGo(statement: Node, bindings: LocalBindings): Place | undefined {
  for (let node = statement.parent; node; node = node.parent) {
    if (node.type === 'for_statement') {
      const where = incomingWork(node, bindings);
      const body = node.childForFieldName('body');
      if (where && body) return { where, regions: [body], spawned: true };
    }
    if (GO_FUNCTIONS.includes(node.type)) {
      if (isHandler(node)) {
        const body = node.childForFieldName('body');
        return body ? { where: `per HTTP request (handler \`${functionName(node)}\`)`, regions: [body], spawned: true } : undefined;
      }
      return undefined;
    }
  }
  return undefined;
}

function placeOf(call: Node, bindings: LocalBindings, starters: Map<string, Node[]>): Place | undefined {
  for (let node = call.parent; node; node = node.parent) {
    if (!GO_FUNCTIONS.includes(node.type)) continue;
    const body = node.childForFieldName('body');
    if (!body) return undefined;
    if (isHandler(node)) return { where: `per HTTP request (handler \`${functionName(node)}\`)`, regions: [body], spawned: false };
    const goCall = node.type === 'func_literal' ? node.parent : null;
    if (goCall?.type === 'call_expression' && goCall.parent?.type === 'go_statement') {
      const outer = placeOfGo(goCall.parent, bindings);
      return outer ? { ...outer, regions: [...outer.regions, body] } : undefined;
    }
    if (node.type === 'function_declaration') {
      for (const statement of starters.get(functionName(node)) ?? []) {
        const outer = placeOfGo(statement, bindings);
        if (outer) return { ...outer, regions: [...outer.regions, body] };
      }
    }
    return undefined;
  }
  return undefined;
}

export default defineRule({
  id: 'cgo/blocking-call-per-request',
  languages: ['go'],
  severity: 'info',
  questions: [23, 30],
  description: 'A C call that can block runs in a goroutine started per request or per connection, with nothing bounding how many run at once.',
  messages: {
    perRequest:
      '`C.{{function}}` can block and runs in a goroutine started {{where}}, unbounded: each goroutine waiting in C holds an OS thread (runtime limit 10000). Bound it with a worker pool or a semaphore (sem <- struct{}{} before the call).',
  },
  fixable: false,
  triggers: ['"C"', '`C`'],
  check(context) {
    if (!importsC(context.root)) return;
    if (!context.source.includes('net/http') && !context.source.includes('go ')) return;
    const typedefs = context.shared(preambleTypedefs);
    const bindings = context.shared(fileBindings);
    const hints = context.shared(blockingHints);
    const starters = context.shared(goStatementsByCallee);
    for (const call of context.root.descendantsOfType('call_expression')) {
      const name = crossingCFunction(call, typedefs);
      if (name === undefined || name === 'CString' || name === 'CBytes' || CLEANUP.test(name)) continue;
      const blocking = blockingByName(name) || hints.has(name) || hintedAtCall(call, context.source);
      const place = placeOf(call, bindings, starters);
      if (!place) continue;
      const handlerGoroutine = place.spawned && place.where.startsWith('per HTTP request');
      if (!blocking && !handlerGoroutine) continue;
      if (place.regions.some((region) => bounded(region, call))) continue;
      report(context, call, name, place);
    }
  },
});

function report(context: RuleContext, call: Node, name: string, place: Place): void {
  context.report({ node: call.childForFieldName('function') ?? call, messageId: 'perRequest', data: { function: name, where: place.where } });
}
