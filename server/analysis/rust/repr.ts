import type { Node } from 'web-tree-sitter';
import { attributesOf } from './item-attributes';

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
