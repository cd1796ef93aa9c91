import type { Node } from 'web-tree-sitter';

/** The `#[...]` attributes written directly above `item` (outer attributes), nearest last. */
export function attributesOf(item: Node): Node[] {
  const attributes: Node[] = [];
  for (let sibling = item.previousNamedSibling; sibling; sibling = sibling.previousNamedSibling) {
    if (sibling.type === 'attribute_item') attributes.unshift(sibling);
    else if (sibling.type !== 'line_comment' && sibling.type !== 'block_comment') break;
  }
  return attributes;
}

/** The words of `#[repr(...)]` on `item`, also through `cfg_attr(…, repr(…))`: `C`, `packed`, `u8`… */
export function reprOf(item: Node): string[] {
  const words: string[] = [];
  for (const attribute of attributesOf(item)) {
    for (const match of attribute.text.matchAll(/\brepr\s*\(([^)]*)\)/g)) {
      words.push(...match[1]!.split(/[\s,()]+/).filter(Boolean));
    }
  }
  return words;
}

const TEST_ONLY = /^#\[\s*(?:test\b|cfg\s*\(\s*test\s*\))/;

/** Whether `node` sits in an item compiled only for tests: `#[cfg(test)]` module or `#[test]` fn. */
export function isTestOnly(node: Node): boolean {
  for (let current: Node | null = node; current; current = current.parent) {
    if (current.type.endsWith('_item') && attributesOf(current).some((attribute) => TEST_ONLY.test(attribute.text))) return true;
  }
  return false;
}
