import type { Node } from 'web-tree-sitter';

/** Associated functions that build an owned `CString`. */
const CSTRING_CONSTRUCTORS = new Set([
  'new', 'from', 'from_vec_unchecked', 'from_vec_with_nul', 'from_vec_with_nul_unchecked', 'from_raw', 'default',
]);
/** Methods that pass an owned value through (`Result<CString>` → `CString`). */
const UNWRAPPERS = new Set(['unwrap', 'expect', 'unwrap_unchecked', 'unwrap_or_default']);
/** Methods that keep pointing at the same bytes (`p.cast::<u8>()`). */
const POINTER_CASTS = new Set(['cast', 'cast_mut', 'cast_const']);
/** Methods on a collection that keep their argument. */
const STORING_METHODS = new Set(['push', 'push_back', 'push_front', 'insert', 'extend', 'append', 'replace', 'set']);
/** Function names that say the callee keeps what it receives (not `save`/`store`/`install`: `image_save(path)` only reads it). */
const KEEPING_NAME = /(?:^|_)(?:register|retain|keep|stash)(?:_|$)|^(?:register|retain|keep)[A-Z]/;

/** The method name and receiver of `receiver.method(...)`, if `call` has that shape. */
export function methodCall(call: Node): { name: string; receiver: Node; args: Node[] } | undefined {
  if (call.type !== 'call_expression') return undefined;
  const callee = call.childForFieldName('function');
  if (callee?.type !== 'field_expression') return undefined;
  const field = callee.childForFieldName('field');
  const receiver = callee.childForFieldName('value');
  if (!field || !receiver) return undefined;
  return { name: field.text, receiver, args: call.childForFieldName('arguments')?.namedChildren ?? [] };
}

/** Whether the last segment of a path is `CString` (`CString`, `std::ffi::CString`, `ffi::CString`). */
function namesCString(path: Node | null): boolean {
  if (!path) return false;
  if (path.type === 'identifier' || path.type === 'type_identifier') return path.text === 'CString';
  if (path.type === 'scoped_identifier' || path.type === 'scoped_type_identifier') return namesCString(path.childForFieldName('name'));
  if (path.type === 'generic_type') return namesCString(path.childForFieldName('type'));
  return false;
}

/**
 * Whether `expression` evidently builds a new owned `CString` that nothing binds: `CString::new(..)`
 * and the other constructors, unwrapped with `.unwrap()`, `.expect(..)` or `?`, or `c"…".to_owned()`.
 */
export function isTemporaryCString(expression: Node): boolean {
  let current = expression;
  for (;;) {
    if (current.type === 'parenthesized_expression' && current.namedChildCount === 1) {
      current = current.namedChild(0)!;
      continue;
    }
    if (current.type === 'unsafe_block') {
      const value = current.namedChildren.find((child) => child.type === 'block')?.lastNamedChild;
      if (!value) return false;
      current = value;
      continue;
    }
    if (current.type === 'try_expression' && current.namedChild(0)) {
      current = current.namedChild(0)!;
      continue;
    }
    const method = methodCall(current);
    if (method && UNWRAPPERS.has(method.name)) {
      current = method.receiver;
      continue;
    }
    break;
  }
  if (current.type !== 'call_expression') return false;
  const method = methodCall(current);
  if (method) {
    return method.name === 'to_owned' && method.args.length === 0 && method.receiver.type === 'string_literal' && method.receiver.text.startsWith('c"');
  }
  const callee = current.childForFieldName('function');
  if (callee?.type !== 'scoped_identifier') return false;
  const name = callee.childForFieldName('name')?.text ?? '';
  return CSTRING_CONSTRUCTORS.has(name) && namesCString(callee.childForFieldName('path'));
}

/** Where a pointer goes that outlives its statement, in words for a message, with the node that keeps it. */
export interface PointerEscape {
  how: string;
  /** For `let name = <pointer>;`: the declaration, when the pointer is its whole value. */
  letDeclaration?: Node;
}

function isConstructorCall(call: Node): boolean {
  const callee = call.childForFieldName('function');
  const last = callee?.type === 'scoped_identifier' ? callee.childForFieldName('name') : callee;
  return last?.type === 'identifier' && /^[A-Z]/.test(last.text);
}

function calleeName(call: Node): string | undefined {
  const callee = call.childForFieldName('function');
  if (callee?.type === 'identifier') return callee.text;
  if (callee?.type === 'scoped_identifier' || callee?.type === 'field_expression') {
    return (callee.childForFieldName('name') ?? callee.childForFieldName('field'))?.text;
  }
  return undefined;
}

const TEMPORARY_SCOPE_OWNERS: Readonly<Record<string, string>> = {
  if_expression: 'leaves the `if` block',
  else_clause: 'leaves the `else` block',
  loop_expression: 'leaves the loop body',
  while_expression: 'leaves the loop body',
  for_expression: 'leaves the loop body',
};

/**
 * If the value of `pointer` survives the statement it is computed in (bound by `let`, assigned,
 * returned, stored in a collection or passed to a function that keeps it), how; otherwise
 * undefined. Struct, tuple and array literals, casts and `Some(..)` carry the pointer along.
 */
export function pointerEscape(pointer: Node): PointerEscape | undefined {
  let node = pointer;
  for (;;) {
    const parent = node.parent;
    if (!parent) return undefined;
    switch (parent.type) {
      case 'parenthesized_expression':
      case 'type_cast_expression':
      case 'reference_expression':
      case 'array_expression':
      case 'tuple_expression':
        node = parent;
        continue;
      case 'field_expression': {
        const call = parent.parent;
        const method = call ? methodCall(call) : undefined;
        if (call && method?.receiver.id === node.id && POINTER_CASTS.has(method.name)) {
          node = call;
          continue;
        }
        return undefined;
      }
      case 'field_initializer':
      case 'shorthand_field_initializer': {
        const literal = parent.parent?.parent;
        if (literal?.type !== 'struct_expression') return undefined;
        node = literal;
        continue;
      }
      case 'arguments': {
        const call = parent.parent;
        if (call?.type !== 'call_expression') return undefined;
        if (isConstructorCall(call)) {
          node = call;
          continue;
        }
        const method = methodCall(call);
        if (method && STORING_METHODS.has(method.name)) return { how: `is stored by \`${method.receiver.text}.${method.name}()\`` };
        const name = calleeName(call);
        if (name && KEEPING_NAME.test(name)) return { how: `is passed to \`${name}\`, which keeps it` };
        return undefined;
      }
      case 'let_declaration': {
        if (parent.childForFieldName('value')?.id !== node.id) return undefined;
        const pattern = parent.childForFieldName('pattern');
        if (!pattern || pattern.text === '_') return undefined;
        const whole = node.id === pointer.id && pattern.type === 'identifier' && !parent.childForFieldName('alternative');
        return { how: `is kept in \`${pattern.text}\``, ...(whole ? { letDeclaration: parent } : {}) };
      }
      case 'assignment_expression':
        if (parent.childForFieldName('right')?.id !== node.id) return undefined;
        return { how: `is kept in \`${parent.childForFieldName('left')?.text}\`` };
      case 'return_expression':
        return { how: 'is returned' };
      case 'match_arm':
        return parent.childForFieldName('value')?.id === node.id ? { how: 'leaves the `match` arm' } : undefined;
      case 'closure_expression':
        return parent.childForFieldName('body')?.id === node.id ? { how: 'is returned from the closure' } : undefined;
      case 'block': {
        const value = parent.namedChildren.filter((child) => !child.type.endsWith('comment')).pop();
        if (value?.id !== node.id) return undefined; // a statement, not the block's value
        const owner = parent.parent;
        if (!owner) return undefined;
        if (owner.type === 'function_item') return { how: `is returned from \`${owner.childForFieldName('name')?.text}\`` };
        if (owner.type === 'closure_expression') return { how: 'is returned from the closure' };
        const leaves = TEMPORARY_SCOPE_OWNERS[owner.type];
        if (leaves) return { how: leaves };
        if (owner.type === 'async_block' || owner.type === 'const_block' || owner.type.endsWith('_item')) return undefined;
        node = owner.type === 'unsafe_block' ? owner : parent; // a block used as a value passes its value on
        continue;
      }
      default:
        return undefined;
    }
  }
}
