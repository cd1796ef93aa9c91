import type { Node } from 'web-tree-sitter';
import type { Position, Range } from '../engine/rule';

/** The nearest ancestor (not the node itself) whose type is one of `types`. */
export function closestAncestor(node: Node, types: readonly string[]): Node | undefined {
  for (let current = node.parent; current; current = current.parent) {
    if (types.includes(current.type)) return current;
  }
  return undefined;
}

export function nodeRange(node: Node): Range {
  return {
    start: { line: node.startPosition.row, column: node.startPosition.column },
    end: { line: node.endPosition.row, column: node.endPosition.column },
  };
}

export function startOf(node: Node): Position {
  return { line: node.startPosition.row, column: node.startPosition.column };
}

/** The whitespace that starts the line `node` begins on. */
export function indentationOf(node: Node, source: string): string {
  const lineStart = source.lastIndexOf('\n', node.startIndex - 1) + 1;
  return /^[ \t]*/.exec(source.slice(lineStart, node.startIndex))?.[0] ?? '';
}

/** True when `inner` lies within `outer` (or is it). */
export function isWithin(inner: Node, outer: Node): boolean {
  return inner.startIndex >= outer.startIndex && inner.endIndex <= outer.endIndex;
}
