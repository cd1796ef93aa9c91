import type { Node } from 'web-tree-sitter';
import { LocalBindings } from './local-bindings';

/** One LocalBindings per file, for `context.shared(fileBindings)`: rules share its per-function caches. */
export function fileBindings(root: Node): LocalBindings {
  return new LocalBindings(root);
}
