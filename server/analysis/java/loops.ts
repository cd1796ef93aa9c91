import type { Node } from 'web-tree-sitter';
import { isWithin } from '../tree';
import { JAVA_FUNCTIONS } from './names';

const LOOPS = new Set(['for_statement', 'enhanced_for_statement', 'while_statement', 'do_statement']);
/** Methods that call their lambda once per element of any Iterable, Map or Stream. */
const ALWAYS_ITERATING = new Set(['forEach', 'forEachOrdered', 'forEachRemaining', 'replaceAll', 'removeIf']);
/** Stream operations: they iterate only when the receiver is a stream (`Optional.map` runs once). */
const STREAM_OPERATIONS = new Set([
  'map',
  'mapToObj',
  'mapToInt',
  'mapToLong',
  'mapToDouble',
  'flatMap',
  'mapMulti',
  'peek',
  'filter',
  'anyMatch',
  'allMatch',
  'noneMatch',
  'takeWhile',
  'dropWhile',
  'reduce',
  'collect',
]);
/** Calls that produce or continue a stream pipeline. */
const STREAM_SOURCES =
  /^(?:stream|parallelStream|range|rangeClosed|iterate|generate|lines|chars|codePoints|boxed|parallel|sequential|unordered|distinct|sorted|limit|skip|splitAsStream|entrySetStream|map|mapToObj|mapToInt|mapToLong|mapToDouble|flatMap|filter|peek)$/;

/** The calls of a receiver chain `a.b().c().d(...)`, outermost first. */
export function receiverChain(call: Node): Node[] {
  const chain: Node[] = [];
  for (let current: Node | null = call; current?.type === 'method_invocation'; current = current.childForFieldName('object')) {
    chain.push(current);
  }
  return chain;
}

/** True when `call` is an operation on a Stream (its receiver chain starts one: `list.stream()`, `IntStream.range`). */
export function isStreamOperation(call: Node): boolean {
  return receiverChain(call)
    .slice(1)
    .some((link) => {
      const object = link.childForFieldName('object');
      return STREAM_SOURCES.test(link.childForFieldName('name')?.text ?? '') || /Stream$/.test(object?.text ?? '');
    });
}

/** The call a lambda or method reference is an argument of. */
export function callTaking(argument: Node): Node | undefined {
  const list = argument.parent;
  if (list?.type !== 'argument_list') return undefined;
  const call = list.parent;
  return call?.type === 'method_invocation' || call?.type === 'object_creation_expression' ? call : undefined;
}

/** For a lambda passed to `forEach` or to a stream operation: that call. */
export function iterationCall(lambda: Node): Node | undefined {
  const call = callTaking(lambda);
  if (call?.type !== 'method_invocation') return undefined;
  const name = call.childForFieldName('name')?.text ?? '';
  if (ALWAYS_ITERATING.has(name)) return call;
  return STREAM_OPERATIONS.has(name) && isStreamOperation(call) ? call : undefined;
}

/**
 * The loop `node` runs in, within its own method: a `for`/`while`/`do` statement, or a lambda
 * passed to `forEach` or a stream operation. Undefined outside loops, and for loops of a static
 * initializer, which runs once.
 */
export function enclosingLoop(node: Node): Node | undefined {
  for (let current = node.parent; current; current = current.parent) {
    if (current.type === 'enhanced_for_statement') {
      // The iterated expression is evaluated once; only the body repeats.
      const body = current.childForFieldName('body');
      if (body && isWithin(node, body)) return runsRepeatedly(current);
      continue;
    }
    if (current.type === 'for_statement') {
      if (current.childrenForFieldName('init').some((init) => isWithin(node, init))) continue;
      return runsRepeatedly(current);
    }
    if (LOOPS.has(current.type)) return runsRepeatedly(current);
    if (current.type === 'lambda_expression') {
      if (iterationCall(current)) return runsRepeatedly(current);
      return undefined;
    }
    if (JAVA_FUNCTIONS.includes(current.type) || current.type === 'class_body') return undefined;
  }
  return undefined;
}

function runsRepeatedly(loop: Node): Node | undefined {
  for (let current = loop.parent; current; current = current.parent) {
    if (current.type === 'static_initializer') return undefined;
    if (current.type === 'class_body' || current.type === 'program') break;
  }
  return loop;
}
