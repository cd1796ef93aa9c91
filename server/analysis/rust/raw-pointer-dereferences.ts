import type { Node } from 'web-tree-sitter';

/** Paths whose call reads through (or takes ownership of) the pointer given as first argument. */
const DEREFERENCING_CALL = /(?:^|::)(?:(?:slice::)?from_raw_parts(?:_mut)?|CStr::from_ptr|Box::from_raw|CString::from_raw|ptr::(?:read|write)(?:_unaligned|_volatile)?)$/;
/** Methods of raw pointers that access the pointee. */
const DEREFERENCING_METHOD = /^(?:read|write)(?:_unaligned|_volatile)?$/;
/** Methods and functions that look at a pointer's nullness (or turn it into an Option). */
const NULL_CHECK_METHOD = /^(?:is_null|as_ref|as_mut|as_uninit_ref|as_uninit_mut)$/;
/** `as_ref`/`as_mut` handle NULL but still trust a non-null pointer to be valid. */
const NULL_AWARE_DEREFERENCE = /^(?:as_ref|as_mut)$/;
const NULL_CHECK_CALL = /(?:^|::)NonNull::new$/;
/** Methods that return a pointer derived from the receiver. */
const POINTER_ARITHMETIC = /^(?:cast(?:_mut|_const)?|(?:wrapping_|byte_)?(?:add|sub|offset))$/;
/** Helper functions and macros that, by their name, validate an argument. */
const VALIDATING_NAME = /null|check|valid|ensure|assert|guard|expect|require/i;

/** The expression inside any number of parentheses. */
export function unparenthesize(node: Node): Node {
  let current = node;
  while (current.type === 'parenthesized_expression' && current.namedChildCount === 1) current = current.namedChild(0)!;
  return current;
}

function isName(node: Node | null | undefined, name: string): boolean {
  return node !== null && node !== undefined && node.type === 'identifier' && unparenthesize(node).text === name;
}

function namesPointer(node: Node | null | undefined, name: string): boolean {
  if (!node) return false;
  let current = unparenthesize(node);
  // `p as *const u8`, `p.cast::<u8>()`, `p.add(i)` still point into the same (possibly null) place.
  while (true) {
    if (current.type === 'type_cast_expression') current = unparenthesize(current.childForFieldName('value')!);
    else if (current.type === 'call_expression' && POINTER_ARITHMETIC.test(calledMethod(current) ?? '')) current = unparenthesize(methodReceiver(current)!);
    else break;
  }
  return isName(current, name);
}

function methodField(call: Node): Node | undefined {
  let callee = call.childForFieldName('function');
  if (callee?.type === 'generic_function') callee = callee.childForFieldName('function');
  return callee?.type === 'field_expression' ? callee : undefined;
}

/** `p.name(…)` or `p.name::<T>(…)` → `name`; undefined for other calls. */
export function calledMethod(call: Node): string | undefined {
  return methodField(call)?.childForFieldName('field')?.text;
}

/** `p.name(…)` → `p`. */
export function methodReceiver(call: Node): Node | undefined {
  return methodField(call)?.childForFieldName('value') ?? undefined;
}

/** `a::b::c(…)` or `c(…)` → `a::b::c` without generic arguments; undefined for method calls. */
export function calledPath(call: Node): string | undefined {
  let callee = call.childForFieldName('function');
  if (callee?.type === 'generic_function') callee = callee.childForFieldName('function');
  if (callee?.type !== 'identifier' && callee?.type !== 'scoped_identifier') return undefined;
  return callee.text.replace(/\s+/g, '').replace(/::<[^]*?>/g, '').replace(/<[^]*?>/g, '');
}

function callArguments(call: Node): Node[] {
  return call.childForFieldName('arguments')?.namedChildren.filter((child) => !child.type.endsWith('comment')) ?? [];
}

/** The body of `fn`, skipping functions nested in it (their parameters are their own). */
function bodyNodes(fn: Node, types: string[]): Node[] {
  const body = fn.childForFieldName('body');
  if (!body) return [];
  return body.descendantsOfType(types).filter((node) => {
    for (let parent = node.parent; parent && parent.id !== fn.id; parent = parent.parent) {
      if (parent.type === 'function_item') return false;
    }
    return true;
  });
}

/**
 * Where the pointer `name` is read or written through, or turned into a reference, slice or owner;
 * with `nullAware`, also `p.as_ref()`/`p.as_mut()`, which rule out NULL but not a dangling pointer.
 */
export function pointerDereferences(fn: Node, name: string, options: { nullAware?: boolean } = {}): Node[] {
  const found: Node[] = [];
  for (const node of bodyNodes(fn, ['unary_expression', 'call_expression'])) {
    if (node.type === 'unary_expression') {
      if (node.child(0)?.type === '*' && namesPointer(node.namedChild(0), name)) found.push(node);
      continue;
    }
    const method = calledMethod(node);
    if (method !== undefined) {
      const dereferencing = DEREFERENCING_METHOD.test(method) || (options.nullAware === true && NULL_AWARE_DEREFERENCE.test(method));
      if (dereferencing && namesPointer(methodReceiver(node), name)) found.push(node);
      continue;
    }
    const path = calledPath(node);
    if (path && DEREFERENCING_CALL.test(path) && namesPointer(callArguments(node)[0], name)) found.push(node);
  }
  return found;
}

/**
 * Places that test `name` for null or go through a null-aware conversion: `p.is_null()`,
 * `p.as_ref()`, `NonNull::new(p)`, `p == ptr::null()`, `assert!(!p.is_null())`, a validating helper
 * or macro given `p`. Rebinding `p` (`let p = …`, `p = …`) also counts: the new value is unknown.
 */
export function nullCheckOffsets(fn: Node, name: string): number[] {
  const offsets: number[] = [];
  for (const node of bodyNodes(fn, ['call_expression', 'binary_expression', 'macro_invocation', 'let_declaration', 'assignment_expression', 'match_expression'])) {
    switch (node.type) {
      case 'call_expression': {
        const method = calledMethod(node);
        if (method !== undefined) {
          if (NULL_CHECK_METHOD.test(method) && namesPointer(methodReceiver(node), name)) offsets.push(node.startIndex);
          break;
        }
        const path = calledPath(node) ?? '';
        const args = callArguments(node);
        if (NULL_CHECK_CALL.test(path) && namesPointer(args[0], name)) offsets.push(node.startIndex);
        else if (VALIDATING_NAME.test(path.split('::').pop() ?? '') && args.some((arg) => namesPointer(arg, name))) offsets.push(node.startIndex);
        break;
      }
      case 'binary_expression': {
        const operator = node.childForFieldName('operator')?.type;
        if ((operator === '==' || operator === '!=') && [node.childForFieldName('left'), node.childForFieldName('right')].some((side) => namesPointer(side, name))) {
          offsets.push(node.startIndex);
        }
        break;
      }
      case 'macro_invocation': {
        const tokens = node.descendantsOfType('identifier').map((token) => token.text);
        const macro = node.childForFieldName('macro')?.text ?? '';
        const mentions = tokens.includes(name);
        if (mentions && (tokens.some((token) => NULL_CHECK_METHOD.test(token) || /^null(?:_mut)?$/.test(token)) || VALIDATING_NAME.test(macro))) {
          offsets.push(node.startIndex);
        }
        break;
      }
      case 'let_declaration': {
        const pattern = node.childForFieldName('pattern');
        if (pattern && pattern.descendantsOfType('identifier').some((identifier) => identifier.text === name)) offsets.push(node.endIndex);
        break;
      }
      case 'assignment_expression':
        if (isName(node.childForFieldName('left'), name)) offsets.push(node.endIndex);
        break;
      case 'match_expression':
        // `match p { p if p.is_null() => …}` and friends: any match on the pointer itself.
        if (namesPointer(node.childForFieldName('value'), name)) offsets.push(node.startIndex);
        break;
    }
  }
  return offsets;
}

/** The dereferences of `name` in `fn` with no null check or rebinding before them in the text. */
export function uncheckedDereferences(fn: Node, name: string): Node[] {
  const dereferences = pointerDereferences(fn, name);
  if (dereferences.length === 0) return [];
  const firstCheck = Math.min(...nullCheckOffsets(fn, name));
  return dereferences.filter((node) => node.startIndex < firstCheck);
}

/** Whether `node` sits in an `unsafe { }` block inside `fn`. */
export function isInUnsafeBlock(node: Node, fn: Node): boolean {
  for (let parent = node.parent; parent && parent.id !== fn.id; parent = parent.parent) {
    if (parent.type === 'unsafe_block') return true;
  }
  return false;
}
