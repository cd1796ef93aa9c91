import type { Node } from 'web-tree-sitter';

/** Attributes that give a Rust function an unmangled symbol C can link against. */
const EXPORT_ATTRIBUTE = /^(?:unsafe\s*\(\s*)?(?:no_mangle|export_name\b)/;

/** The `#[...]` attribute items written directly above `item` (doc comments between them are skipped). */
function attributesOf(item: Node): Node[] {
  const attributes: Node[] = [];
  for (let sibling = item.previousNamedSibling; sibling; sibling = sibling.previousNamedSibling) {
    if (sibling.type === 'attribute_item') attributes.push(sibling);
    else if (sibling.type !== 'line_comment' && sibling.type !== 'block_comment') break;
  }
  return attributes;
}

/** `#[no_mangle]`, `#[unsafe(no_mangle)]` or `#[export_name = "..."]` on the function: C links it by name. */
export function isExportedToC(fn: Node): boolean {
  return attributesOf(fn).some((attribute) => {
    const inner = attribute.namedChildren.find((child) => child.type === 'attribute');
    return inner !== undefined && EXPORT_ATTRIBUTE.test(inner.text);
  });
}

/** The function's `extern "…"` ABI string, if it declares one (`extern` alone means "C"). */
export function externAbi(fn: Node): string | undefined {
  const modifiers = fn.namedChildren.find((child) => child.type === 'function_modifiers');
  const extern = modifiers?.namedChildren.find((child) => child.type === 'extern_modifier');
  if (!extern) return undefined;
  const abi = extern.descendantsOfType('string_content')[0];
  return abi ? abi.text : 'C';
}

/** `unsafe fn`, `pub unsafe extern "C" fn`, … */
export function isUnsafeFunction(fn: Node): boolean {
  const modifiers = fn.namedChildren.find((child) => child.type === 'function_modifiers');
  return modifiers?.children.some((child) => child.type === 'unsafe') ?? false;
}

/** `pub` exactly: not `pub(crate)`, `pub(super)` or private. */
export function isPlainPub(item: Node): boolean {
  const visibility = item.namedChildren.find((child) => child.type === 'visibility_modifier');
  return visibility?.text === 'pub';
}

/** A parameter of raw pointer type (`*const T`, `*mut T`), by name. */
export interface RawPointerParameter {
  name: string;
  node: Node;
}

export function rawPointerParameters(fn: Node): RawPointerParameter[] {
  const parameters = fn.childForFieldName('parameters');
  const found: RawPointerParameter[] = [];
  for (const parameter of parameters?.namedChildren ?? []) {
    if (parameter.type !== 'parameter') continue;
    const pattern = parameter.childForFieldName('pattern');
    const type = parameter.childForFieldName('type');
    if (pattern?.type === 'identifier' && type?.type === 'pointer_type') found.push({ name: pattern.text, node: pattern });
  }
  return found;
}

/** Every function with a body in the file, including methods and nested functions. */
export function functionItems(root: Node): Node[] {
  return root.descendantsOfType('function_item').filter((fn) => fn.childForFieldName('body') !== null);
}
