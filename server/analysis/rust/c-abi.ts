import type { Node } from 'web-tree-sitter';
import { externAbiOf } from './extern-functions';

/**
 * The ABI string of an `extern_modifier` (`extern "C"` → `C`; a bare `extern` means C too), or
 * undefined when the node is none. For functions, see externAbiOf.
 */
export function abiOf(externModifier: Node | null | undefined): string | undefined {
  if (externModifier?.type !== 'extern_modifier') return undefined;
  const literal = externModifier.namedChildren.find((child) => child?.type === 'string_literal');
  return literal ? literal.text.slice(1, -1) : 'C';
}

/** ABIs that are not the foreign C-family ones (Rust's own, compiler intrinsics). */
const RUST_ABIS = new Set(['Rust', 'rust-call', 'rust-intrinsic', 'platform-intrinsic']);

export function isForeignAbi(abi: string | undefined): abi is string {
  return abi !== undefined && !RUST_ABIS.has(abi);
}

/** `-unwind` ABIs let a panic unwind into the caller; the others abort when one reaches them. */
export function abiAllowsUnwinding(abi: string): boolean {
  return abi.endsWith('-unwind');
}

export interface ExportedFunction {
  /** The `function_item`. */
  node: Node;
  name: string;
  abi: string;
  body: Node;
}

/** Functions defined in Rust with a foreign ABI (`extern "C" fn f() { … }`): C may call them. */
export function foreignAbiFunctions(root: Node): ExportedFunction[] {
  const functions: ExportedFunction[] = [];
  for (const item of root.descendantsOfType('function_item')) {
    if (!item) continue;
    const abi = externAbiOf(item);
    const name = item.childForFieldName('name')?.text;
    const body = item.childForFieldName('body');
    if (isForeignAbi(abi) && name && body) functions.push({ node: item, name, abi, body });
  }
  return functions;
}

export interface ForeignBlock {
  /** The `foreign_mod_item`: `extern "C" { … }`. */
  node: Node;
  abi: string;
  /** The `function_signature_item`s and `static_item`s it declares. */
  items: Node[];
}

/** `extern "C" { … }` blocks: declarations of functions and statics that C defines. */
export function foreignBlocks(root: Node): ForeignBlock[] {
  const blocks: ForeignBlock[] = [];
  for (const block of root.descendantsOfType('foreign_mod_item')) {
    if (!block) continue;
    const abi = abiOf(block.namedChildren.find((child) => child?.type === 'extern_modifier'));
    const body = block.childForFieldName('body');
    if (!isForeignAbi(abi) || !body) continue;
    const items = body.namedChildren.filter((child): child is Node => child?.type === 'function_signature_item' || child?.type === 'static_item');
    blocks.push({ node: block, abi, items });
  }
  return blocks;
}
