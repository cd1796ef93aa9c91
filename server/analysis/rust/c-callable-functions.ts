import type { Node } from 'web-tree-sitter';
import { exportAttributeOf } from './extern-functions';

/** `#[no_mangle]`/`#[export_name]` on the function: C links it by name (and may pass it anything). */
export function isExportedToC(fn: Node): boolean {
  return exportAttributeOf(fn) !== undefined;
}

/** `unsafe fn`, `pub unsafe extern "C" fn`, … */
export function isUnsafeFunction(fn: Node): boolean {
  const modifiers = fn.namedChildren.find((child) => child.type === 'function_modifiers');
  return modifiers?.children.some((child) => child.type === 'unsafe') ?? false;
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
