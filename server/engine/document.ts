import { Edit, type Node, type Parser, type Point, type Tree } from 'web-tree-sitter';
import type { LanguageId } from './languages';
import type { Range } from './rule';

/** One change to a document's text, as an editor reports it: a range replaced (or all text). */
export interface TextChange {
  range?: Range;
  text: string;
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

function offsetAt(starts: number[], text: string, line: number, column: number): number {
  if (line >= starts.length) return text.length;
  const lineEnd = line + 1 < starts.length ? starts[line + 1] - 1 : text.length;
  return Math.min(starts[line] + column, lineEnd);
}

/** The point just after `inserted` when it is placed at `start`. */
function pointAfter(start: Point, inserted: string): Point {
  const lastBreak = inserted.lastIndexOf('\n');
  if (lastBreak === -1) return { row: start.row, column: start.column + inserted.length };
  let rows = 0;
  for (let i = inserted.indexOf('\n'); i !== -1; i = inserted.indexOf('\n', i + 1)) rows++;
  return { row: start.row + rows, column: inserted.length - lastBreak - 1 };
}

/**
 * An open document and the tree parsed from it. It owns the tree: every tree it replaces is
 * deleted, and `dispose()` deletes the last one. A document that cannot contain a hazard (no rule
 * trigger in it) holds no tree at all.
 */
export class ParsedDocument {
  private currentTree: Tree | undefined;
  /** The tree was edited to follow the text but not re-parsed since. */
  private treeIsStale = false;
  private disposed = false;

  constructor(
    readonly filePath: string,
    readonly language: LanguageId,
    private currentText: string,
    private readonly parser: Parser,
  ) {}

  get text(): string {
    return this.currentText;
  }

  get tree(): Tree | undefined {
    return this.currentTree;
  }

  /**
   * Applies editor changes in order. When a tree exists it is edited to match, so the next parse
   * reuses every unchanged subtree.
   */
  applyChanges(changes: readonly TextChange[]): void {
    this.assertLive();
    for (const change of changes) {
      if (!change.range) {
        this.currentText = change.text;
        this.dropTree(); // a whole-text replacement shares nothing with the old tree
        continue;
      }
      const text = this.currentText;
      const starts = lineStarts(text);
      const startIndex = offsetAt(starts, text, change.range.start.line, change.range.start.column);
      const oldEndIndex = Math.max(startIndex, offsetAt(starts, text, change.range.end.line, change.range.end.column));
      const startPosition = { row: change.range.start.line, column: startIndex - starts[Math.min(change.range.start.line, starts.length - 1)] };
      const oldEndLine = Math.min(change.range.end.line, starts.length - 1);
      const oldEndPosition = { row: oldEndLine, column: oldEndIndex - starts[oldEndLine] };
      this.currentText = text.slice(0, startIndex) + change.text + text.slice(oldEndIndex);
      if (this.currentTree) this.treeIsStale = true;
      this.currentTree?.edit(
        new Edit({
          startIndex,
          oldEndIndex,
          newEndIndex: startIndex + change.text.length,
          startPosition,
          oldEndPosition,
          newEndPosition: pointAfter(startPosition, change.text),
        }),
      );
    }
  }

  /** Parses the current text, reusing the edited old tree when there is one. */
  parse(): Tree {
    this.assertLive();
    const next = this.parser.parse(this.currentText, this.currentTree);
    if (!next) throw new Error(`the ${this.language} parser returned no tree for ${this.filePath}`);
    this.currentTree?.delete();
    this.currentTree = next;
    this.treeIsStale = false;
    return next;
  }

  /**
   * Runs `inspect` against the syntax tree of the current text without handing the tree out: the
   * kept tree when it is up to date, else a fresh parse (kept when the document already held a
   * tree, freed afterwards when it held none). `inspect` must not keep the node it is given.
   */
  withRoot<T>(inspect: (root: Node) => T): T {
    this.assertLive();
    if (this.currentTree && !this.treeIsStale) return inspect(this.currentTree.rootNode);
    if (this.currentTree) return inspect(this.parse().rootNode);
    const temporary = this.parser.parse(this.currentText);
    if (!temporary) throw new Error(`the ${this.language} parser returned no tree for ${this.filePath}`);
    try {
      return inspect(temporary.rootNode);
    } finally {
      temporary.delete();
    }
  }

  /** Frees the tree but keeps the text: for documents that no longer need one. */
  dropTree(): void {
    this.currentTree?.delete();
    this.currentTree = undefined;
    this.treeIsStale = false;
  }

  dispose(): void {
    this.dropTree();
    this.disposed = true;
  }

  private assertLive(): void {
    if (this.disposed) throw new Error(`document ${this.filePath} was disposed`);
  }
}
