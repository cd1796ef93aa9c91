import type { Node } from 'web-tree-sitter';
import { isExportedToC } from './c-callable-functions';
import { externAbiOf } from './extern-functions';
import { calledMethod, calledPath, methodReceiver, unparenthesize } from './raw-pointer-dereferences';

/** The owners whose `into_raw` pointer can only be freed by the matching `from_raw`. */
export type RawOwner = 'Box' | 'CString';

export interface IntoRawCall {
  node: Node;
  owner: RawOwner;
}

const OWNER_PATH = /(?:^|::)(Box|CString)::(into_raw|from_raw)$/;
/** Path segments that name bindings to C: `ffi::f`, `sys::f`, `libc::f`, `foo_sys::f`. */
const FOREIGN_MODULE = /^(?:ffi|sys|libc|raw|c|capi|bindings|\w+_sys|\w+_ffi)$/;
/** Wrappers a pointer goes through on its way out without changing what it points to. */
const POINTER_WRAPPERS = new Set(['parenthesized_expression', 'type_cast_expression']);

function enclosingFunction(node: Node): Node | undefined {
  for (let parent = node.parent; parent; parent = parent.parent) {
    if (parent.type === 'function_item' || parent.type === 'closure_expression') return parent.type === 'function_item' ? parent : undefined;
  }
  return undefined;
}

/** Whether `receiver` of `.into_raw()` is a CString: built by `CString::…` there, or a local bound to one. */
function isCStringValue(receiver: Node, fn: Node | undefined): boolean {
  const value = unparenthesize(receiver);
  if (/^CString::/.test(value.text) || /\bCString::new\b/.test(value.text)) return true;
  if (value.type !== 'identifier' || !fn) return false;
  return fn.descendantsOfType('let_declaration').some((declaration) => {
    const pattern = declaration.childForFieldName('pattern');
    if (pattern?.text !== value.text && pattern?.text !== `mut ${value.text}`) return false;
    const type = declaration.childForFieldName('type')?.text ?? '';
    const initial = declaration.childForFieldName('value')?.text ?? '';
    return /^(?:std::ffi::|alloc::ffi::|ffi::)?CString$/.test(type) || /^(?:std::ffi::|ffi::)?CString::/.test(initial);
  });
}

/** `Box::into_raw(b)`, `CString::into_raw(s)` and `s.into_raw()` on a CString. */
export function intoRawCalls(root: Node): IntoRawCall[] {
  const found: IntoRawCall[] = [];
  for (const call of root.descendantsOfType('call_expression')) {
    const match = OWNER_PATH.exec(calledPath(call) ?? '');
    if (match) {
      if (match[2] === 'into_raw') found.push({ node: call, owner: match[1] as RawOwner });
      continue;
    }
    const receiver = calledMethod(call) === 'into_raw' ? methodReceiver(call) : undefined;
    if (receiver && call.childForFieldName('arguments')?.namedChildCount === 0 && isCStringValue(receiver, enclosingFunction(call))) {
      found.push({ node: call, owner: 'CString' });
    }
  }
  return found;
}

/** The owners for which the file calls `from_raw` (`Box::from_raw`, `CString::from_raw`). */
export function ownersTakenBack(root: Node): Set<RawOwner> {
  const owners = new Set<RawOwner>();
  for (const call of root.descendantsOfType('call_expression')) {
    const match = OWNER_PATH.exec(calledPath(call) ?? '');
    if (match?.[2] === 'from_raw') owners.add(match[1] as RawOwner);
  }
  return owners;
}

/** Names of the functions the file declares in `extern "C" { … }` blocks. */
export function foreignFunctionNames(root: Node): Set<string> {
  const names = new Set<string>();
  for (const block of root.descendantsOfType('foreign_mod_item')) {
    for (const signature of block.descendantsOfType('function_signature_item')) {
      const name = signature.childForFieldName('name');
      if (name) names.add(name.text);
    }
  }
  return names;
}

function isForeignCall(call: Node, foreign: Set<string>): boolean {
  const path = calledPath(call);
  if (!path) return false;
  const segments = path.split('::');
  const name = segments[segments.length - 1];
  return foreign.has(name) || segments.slice(0, -1).some((segment) => FOREIGN_MODULE.test(segment));
}

function isCallableFromC(fn: Node | undefined): boolean {
  return fn !== undefined && (isExportedToC(fn) || externAbiOf(fn) !== undefined);
}

/** The outermost expression that still is the same pointer: through casts, parentheses and `.cast()`. */
function pointerValue(node: Node): Node {
  let current = node;
  while (current.parent) {
    const parent = current.parent;
    if (POINTER_WRAPPERS.has(parent.type)) current = parent;
    else if (parent.type === 'field_expression' && parent.parent?.type === 'call_expression' && /^cast(?:_mut|_const)?$/.test(calledMethod(parent.parent) ?? '')) current = parent.parent;
    else break;
  }
  return current;
}

/** The last statement or expression of a block, comments aside. */
function lastExpression(block: Node): Node | undefined {
  for (let child = block.lastNamedChild; child; child = child.previousNamedSibling) {
    if (!child.type.endsWith('comment')) return child;
  }
  return undefined;
}

/** Whether `value` is what the function returns: a `return`, or the tail of its body (through if/match/unsafe). */
function isReturned(value: Node, fn: Node): boolean {
  let current = value;
  while (current.parent) {
    const parent = current.parent;
    if (parent.type === 'return_expression') return enclosingFunction(parent)?.id === fn.id;
    if (parent.type === 'block') {
      if (lastExpression(parent)?.id !== current.id) return false;
      if (parent.id === fn.childForFieldName('body')?.id) return true;
    } else if (parent.type === 'expression_statement') {
      if (parent.children.some((child) => child.type === ';')) return false;
    } else if (!['unsafe_block', 'if_expression', 'else_clause', 'match_arm', 'match_block', 'match_expression'].includes(parent.type)) {
      return false;
    }
    current = parent;
  }
  return false;
}

/** `*out = value`, `(*out).field = value` in a function C calls: an out-parameter. */
function isStoredThroughOutParameter(value: Node): boolean {
  const parent = value.parent;
  if (parent?.type !== 'assignment_expression' || parent.childForFieldName('right')?.id !== value.id) return false;
  return /^\(?\*/.test(parent.childForFieldName('left')?.text ?? '');
}

/** How an `into_raw` pointer reaches C: returned to a C caller, or passed to the foreign function named. */
export type Handoff = { kind: 'returned' } | { kind: 'passed'; callee: string };

/**
 * How the pointer `node` produces goes to C: returned from (or stored through an out-parameter
 * of) a function C calls, or passed to a foreign function; through one local variable at most.
 */
export function handoffToC(node: Node, foreign: Set<string>): Handoff | undefined {
  const fn = enclosingFunction(node);
  const handed = (expression: Node): Handoff | undefined => {
    if (isCallableFromC(fn) && fn && (isReturned(expression, fn) || isStoredThroughOutParameter(expression))) return { kind: 'returned' };
    const parent = expression.parent;
    const call = parent?.type === 'arguments' ? parent.parent : null;
    return call?.type === 'call_expression' && isForeignCall(call, foreign) ? { kind: 'passed', callee: calledPath(call)! } : undefined;
  };
  const value = pointerValue(node);
  const direct = handed(value);
  if (direct) return direct;
  const declaration = value.parent;
  if (declaration?.type !== 'let_declaration' || declaration.childForFieldName('pattern')?.type !== 'identifier' || !fn) return undefined;
  const name = declaration.childForFieldName('pattern')!.text;
  for (const identifier of fn.descendantsOfType('identifier')) {
    if (identifier.text !== name || identifier.startIndex <= declaration.endIndex) continue;
    const handoff = handed(pointerValue(identifier));
    if (handoff) return handoff;
  }
  return undefined;
}
