import type { Node } from 'web-tree-sitter';
import { attributeTexts } from './item-attributes';

/** The ABI string of `extern "…" fn` (`C` for a bare `extern fn`), or undefined for a Rust-ABI function. */
export function externAbiOf(fn: Node): string | undefined {
  const modifiers = fn.namedChildren.find((child) => child.type === 'function_modifiers');
  const extern = modifiers?.namedChildren.find((child) => child.type === 'extern_modifier');
  if (!extern) return undefined;
  const abi = extern.namedChildren.find((child) => child.type === 'string_literal');
  const name = abi ? abi.text.slice(1, -1) : 'C';
  return name === 'Rust' ? undefined : name;
}

/** How an attribute above `fn` fixes its symbol name: `no_mangle`, `export_name`, or undefined. */
export function exportAttributeOf(fn: Node): string | undefined {
  for (const text of attributeTexts(fn)) {
    if (/\bno_mangle\b/.test(text)) return 'no_mangle';
    if (/\bexport_name\b/.test(text)) return 'export_name';
  }
  return undefined;
}

/** `pub` exactly (not `pub(crate)` and the like): visible outside the crate. */
export function isPublic(fn: Node): boolean {
  return fn.namedChildren.some((child) => child.type === 'visibility_modifier' && child.text === 'pub');
}

/** A free function at module level (the file or an inline `mod`), not a method or a nested fn. */
export function isModuleLevel(fn: Node): boolean {
  const parent = fn.parent;
  if (parent?.type === 'source_file') return true;
  return parent?.type === 'declaration_list' && parent.parent?.type === 'mod_item';
}

/** Names used as values (not called, not defined) anywhere in the file, macro arguments included. */
export function namesUsedAsValues(root: Node): Set<string> {
  const names = new Set<string>();
  for (const identifier of root.descendantsOfType('identifier')) {
    const parent = identifier.parent;
    if (!parent) continue;
    if (parent.type === 'function_item' && parent.childForFieldName('name')?.id === identifier.id) continue;
    if (parent.type === 'call_expression' && parent.childForFieldName('function')?.id === identifier.id) continue;
    const path = parent.type === 'scoped_identifier' && parent.childForFieldName('name')?.id === identifier.id ? parent : undefined;
    if (path?.parent?.type === 'call_expression' && path.parent.childForFieldName('function')?.id === path.id) continue;
    if (path?.parent?.type === 'use_declaration' || parent.type === 'use_list' || parent.type === 'use_as_clause') continue;
    names.add(identifier.text);
  }
  return names;
}
