import type { Node } from 'web-tree-sitter';

/**
 * What a Python module writes about a foreign function in prose: the comment block right above a
 * statement that uses or declares it (and a comment at the end of that statement's line), and the
 * C prototype for it in a comment or docstring with the lines that follow it.
 */
export class ForeignDocs {
  private readonly lines: string[];
  private docRows?: Set<number>;

  constructor(
    private readonly root: Node,
    source: string,
  ) {
    this.lines = source.split('\n');
  }

  /** The documentation of `name`, gathered around its `references` (nodes naming it). */
  about(name: string, references: readonly Node[]): string {
    const parts = new Set<string>();
    for (const reference of references) {
      const statement = statementOf(reference);
      const block = this.commentBlockAbove(statement.startPosition.row);
      const own = sectionAbout(name, block);
      if (own) parts.add(own);
      const lastRow = SIMPLE_STATEMENTS.has(statement.type) ? statement.endPosition.row : statement.startPosition.row;
      for (let row = statement.startPosition.row; row <= lastRow; row++) {
        const trailing = /#(.*)$/.exec(this.lines[row] ?? '');
        if (trailing && !/['"]/.test(trailing[1])) parts.add(trailing[1]);
      }
    }
    for (const region of this.prototypeRegions(name)) parts.add(region);
    return [...parts].join('\n\n');
  }

  private commentBlockAbove(row: number): string[] {
    const block: string[] = [];
    for (let above = row - 1; above >= 0 && /^\s*#/.test(this.lines[above]); above--) block.unshift(this.lines[above]);
    return block;
  }

  /** The prototype of `name` in a comment or string, and the lines after it up to a blank line or the next prototype. */
  private prototypeRegions(name: string): string[] {
    const rows = this.documentationRows();
    const declares = prototypePattern(name);
    const regions: string[] = [];
    for (const row of rows) {
      if (!declares.test(this.lines[row])) continue;
      const region = [this.lines[row]];
      for (let next = row + 1; rows.has(next) && this.lines[next].trim() !== '' && !ANY_PROTOTYPE.test(stripComment(this.lines[next])); next++) {
        region.push(this.lines[next]);
      }
      regions.push(region.join('\n'));
    }
    return regions;
  }

  private documentationRows(): Set<number> {
    if (!this.docRows) {
      this.docRows = new Set();
      for (const node of this.root.descendantsOfType(['comment', 'string'])) {
        if (node.type === 'string' && !node.text.includes('(')) continue;
        for (let row = node.startPosition.row; row <= node.endPosition.row; row++) this.docRows.add(row);
      }
    }
    return this.docRows;
  }
}

/** A C declaration of some function: a return type, then a name and an opening parenthesis. */
const ANY_PROTOTYPE = /^\s*(?:(?:const|unsigned|signed|struct|enum|static|extern)\s+)*[A-Za-z_]\w*[\s*]+(?:const\s+)?\*?\s*[A-Za-z_]\w*\s*\(/;

function prototypePattern(name: string): RegExp {
  return new RegExp(`(?:^|[^\\w.])[A-Za-z_]\\w*[ \\t]*[ \\t*][ \\t*]*(?:const[ \\t]+)?\\*?[ \\t]*${name.replace(/\$/g, '\\$')}[ \\t]*\\(`);
}

function stripComment(line: string): string {
  return line.replace(/^\s*(?:#|\/\/|\/?\*+)\s?/, '');
}

/**
 * From a comment block, the part about `name`: the whole block when it declares no C function,
 * else the lines from `name`'s prototype to the next prototype; nothing when it declares others only.
 */
function sectionAbout(name: string, block: readonly string[]): string | undefined {
  if (block.length === 0) return undefined;
  const declares = prototypePattern(name);
  const prototypeRows = block.map((line, index) => (ANY_PROTOTYPE.test(stripComment(line)) ? index : -1)).filter((index) => index >= 0);
  if (prototypeRows.length === 0) return block.join('\n');
  const start = block.findIndex((line) => declares.test(stripComment(line)));
  if (start < 0) return undefined;
  const end = prototypeRows.find((row) => row > start) ?? block.length;
  return block.slice(start, end).join('\n');
}

const SIMPLE_STATEMENTS = new Set(['expression_statement', 'return_statement', 'assert_statement']);
const STATEMENTS = new Set([...SIMPLE_STATEMENTS, 'if_statement', 'for_statement', 'while_statement', 'with_statement']);

function statementOf(node: Node): Node {
  for (let current: Node | null = node; current; current = current.parent) {
    if (STATEMENTS.has(current.type)) return current;
    if (current.type === 'block' || current.type === 'module') break;
  }
  return node;
}
