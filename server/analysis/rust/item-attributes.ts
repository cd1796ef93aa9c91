import type { Node } from 'web-tree-sitter';

const SKIPPED_BETWEEN = new Set(['line_comment', 'block_comment']);

/** The outer attributes (`#[...]`) written directly above an item, nearest last. */
export function attributesOf(item: Node): Node[] {
  const attributes: Node[] = [];
  for (let sibling = item.previousNamedSibling; sibling; sibling = sibling.previousNamedSibling) {
    if (sibling.type === 'attribute_item') attributes.unshift(sibling);
    else if (!SKIPPED_BETWEEN.has(sibling.type)) break;
  }
  return attributes;
}

/** The text inside `#[` `]` of each attribute above `item`, e.g. `no_mangle`, `cfg(test)`. */
export function attributeTexts(item: Node): string[] {
  return attributesOf(item).map((attribute) => attribute.namedChild(0)?.text ?? '');
}

/** Whether `node` sits in an item or module compiled only for tests (`#[cfg(test)]`, `#[test]`). */
export function isTestOnly(node: Node): boolean {
  for (let current: Node | null = node; current; current = current.parent) {
    if (current.type !== 'mod_item' && current.type !== 'function_item' && current.type !== 'impl_item') continue;
    const texts = attributeTexts(current);
    if (texts.some((text) => /^cfg\s*\(\s*test\s*\)$/.test(text) || /^(?:\w+::)?test$/.test(text))) return true;
  }
  return false;
}
