import type { Node } from 'web-tree-sitter';
import { readCStructs, type CStructDeclaration } from '../c/struct-text';

/**
 * Where a rule looks up the C declaration of a struct it sees bound in Python. This module answers
 * from the Python file itself; an index over the workspace's C headers can answer the same way.
 */
export interface CStructLookup {
  /** The C struct or union a Python class named `name` binds, when exactly one declaration fits. */
  findStruct(name: string): CStructDeclaration | undefined;
}

/** `_Foo`, `tagFoo`, `struct_foo`, `foo_t`, `foo_s` all name the struct `foo`. */
function looseName(name: string): string {
  return name
    .replace(/^_+/, '')
    .replace(/^tag(?=[A-Z_])/, '')
    .replace(/^(?:struct|union)_+/, '')
    .replace(/_(?:t|s|st)$/, '')
    .replace(/_+/g, '')
    .toLowerCase();
}

/** A `# …` line comment that is alone on its line. */
function isStandaloneComment(node: Node, source: string): boolean {
  const lineStart = source.lastIndexOf('\n', node.startIndex - 1) + 1;
  return source.slice(lineStart, node.startIndex).trim() === '';
}

/** The C text of a comment run: `# ` stripped from each line, `# #pragma` and `#pragma` kept as pragmas. */
function commentText(lines: string[]): string {
  return lines
    .map((line) => line.replace(/^#[ \t]?/, ''))
    .map((line) => (/^[ \t]*pragma\b/.test(line) ? `#${line.trimStart()}` : line))
    .join('\n');
}

/** The characters of a string literal between its quotes, with `\n` escapes turned into newlines. */
function stringText(node: Node): string {
  const parts = node.type === 'concatenated_string' ? node.namedChildren : [node];
  return parts
    .map((part) => part.text.replace(/^[A-Za-z]*("""|'''|"|')/, '').replace(/("""|'''|"|')$/, ''))
    .join('')
    .replace(/\\n/g, '\n')
    .replace(/\\t/g, ' ');
}

/** Pieces of C the module carries: comment runs, docstrings and other strings (a cffi `cdef`). */
export function readCTextInModule(root: Node): string[] {
  const source = root.text;
  const texts: string[] = [];
  let run: string[] = [];
  let lastRow = -2;
  const flush = () => {
    if (run.length > 0) texts.push(commentText(run));
    run = [];
  };
  for (const node of root.descendantsOfType(['comment', 'string', 'concatenated_string'])) {
    if (node.type === 'comment') {
      if (!isStandaloneComment(node, source)) continue;
      if (node.startPosition.row !== lastRow + 1) flush();
      run.push(node.text);
      lastRow = node.startPosition.row;
    } else if (node.parent?.type !== 'concatenated_string' && /\b(?:struct|union)\b/.test(node.text)) {
      texts.push(stringText(node));
    }
  }
  flush();
  return texts;
}

function sameDeclaration(a: CStructDeclaration, b: CStructDeclaration): boolean {
  return JSON.stringify({ ...a, names: [] }) === JSON.stringify({ ...b, names: [] });
}

/** The C structs declared in a Python module's comments and strings. */
export function readCDeclarationsInModule(root: Node): CStructLookup {
  let declarations: CStructDeclaration[] | undefined;
  const all = () => (declarations ??= readCTextInModule(root).flatMap((text) => readCStructs(text)));
  const unique = (candidates: CStructDeclaration[]) =>
    candidates.length > 0 && candidates.every((candidate) => sameDeclaration(candidate, candidates[0])) ? candidates[0] : undefined;
  return {
    findStruct(name) {
      const exact = all().filter((declaration) => declaration.names.includes(name));
      if (exact.length > 0) return unique(exact);
      const loose = looseName(name);
      return unique(all().filter((declaration) => declaration.names.some((other) => looseName(other) === loose)));
    },
  };
}
