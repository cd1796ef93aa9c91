import type { Node } from 'web-tree-sitter';
import type { Finding } from './findings';
import type { LanguageId } from './languages';
import type { Range, TextEdit } from './rule';

/**
 * Suppression comments, read from the syntax tree so that a directive inside a string literal
 * never counts:
 *
 *   // ffi-lens-disable-next-line jni/cached-env, jni/local-ref-in-global -- why
 *   call();  // ffi-lens-disable-line jni/cached-env
 *   // ffi-lens-disable-file cgo/call-in-loop      (no ids: every rule, in the whole file)
 *
 * A directive must begin its comment; without rule ids it covers every rule; text after ` -- `
 * (or a further `#`/`//` comment) is a free-form reason. A finding is matched on the line it starts on.
 */

/** How a language writes comments: the tree-sitter node types and the line-comment prefix. */
export interface CommentSyntax {
  nodeTypes: readonly string[];
  linePrefix: string;
}

/**
 * Languages without an entry (e.g. JSON, which has no comments) simply have no suppression
 * comments. Keyed by string so that a newly added language needs no change here.
 */
const COMMENT_SYNTAX: Readonly<Record<string, CommentSyntax>> = {
  python: { nodeTypes: ['comment'], linePrefix: '#' },
  c: { nodeTypes: ['comment'], linePrefix: '//' },
  cpp: { nodeTypes: ['comment'], linePrefix: '//' },
  go: { nodeTypes: ['comment'], linePrefix: '//' },
  java: { nodeTypes: ['line_comment', 'block_comment'], linePrefix: '//' },
  rust: { nodeTypes: ['line_comment', 'block_comment'], linePrefix: '//' },
};

export function commentSyntax(language: LanguageId | string): CommentSyntax | undefined {
  return Object.prototype.hasOwnProperty.call(COMMENT_SYNTAX, language) ? COMMENT_SYNTAX[language] : undefined;
}

/** Present in the text of every file that has a directive: files without it are not searched. */
export const DIRECTIVE_MARKER = 'ffi-lens-';

export const DIRECTIVES = ['ffi-lens-disable-next-line', 'ffi-lens-disable-line', 'ffi-lens-disable-file'] as const;
export type DirectiveKind = (typeof DIRECTIVES)[number];

/** A malformed directive (an unknown rule id, a misspelt directive): shown to the user, never fatal. */
export interface DirectiveProblem {
  range: Range;
  message: string;
  /** What the text at `range` was most likely meant to be (a quick fix can write it). */
  suggestion?: string;
}

/** A finding a directive silenced, kept for reports that record suppressions (SARIF). */
export interface SuppressedFinding extends Finding {
  suppression: { directive: DirectiveKind; justification?: string };
}

export interface Suppressions {
  /** Drops the findings the file's directives cover, noting which directive was used. */
  filter(findings: readonly Finding[]): Finding[];
  /** What `filter` dropped, each with the directive that covered it. */
  suppressed: SuppressedFinding[];
  problems: DirectiveProblem[];
  /**
   * After `filter`: the directives (or the ids in them) that suppressed nothing. `counts(id)`
   * says whether a finding of that rule was possible at all: ids of rules that are off or that
   * failed are not reported (turning the rule on again would need them).
   */
  unused(counts: (ruleId: string) => boolean): DirectiveProblem[];
}

/** One directive comment: what it covers, where it is written, and what it suppressed. */
interface Directive {
  kind: DirectiveKind;
  /** The line it covers (undefined: the whole file). */
  line?: number;
  /** The rule ids named, each where it is written; empty: every rule. */
  ids: { id: string; range: Range }[];
  range: Range;
  /** The reason written after ` -- `. */
  reason?: string;
  used: Set<string>;
}

const ALL = '*';

/** Strips a comment's delimiters: `#`, `//`, `///`, `//!`, `/* … *\/`, `/** … *\/`. */
function commentBody(text: string): { body: string; offset: number } {
  const opener = /^(?:#+|\/\/[/!]?|\/\*[*!]?)/.exec(text)?.[0] ?? '';
  let body = text.slice(opener.length);
  if (opener.startsWith('/*') && body.endsWith('*/')) body = body.slice(0, -2);
  const leading = body.length - body.trimStart().length;
  return { body: body.trimStart(), offset: opener.length + leading };
}

function levenshtein(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

/** The known id (or directive) closest to a misspelt one, when it is close enough to be the one meant. */
export function closestRuleId(id: string, known: Iterable<string>): string | undefined {
  let best: { id: string; distance: number } | undefined;
  for (const candidate of known) {
    const distance = levenshtein(id, candidate);
    if (!best || distance < best.distance) best = { id: candidate, distance };
  }
  return best && best.distance <= Math.max(2, Math.floor(id.length / 5)) ? best.id : undefined;
}

/** Message for an id that names no rule, with a suggestion when one is near. */
export function unknownRuleMessage(id: string, where: string, known: Iterable<string>): string {
  const near = closestRuleId(id, known);
  return `unknown rule "${id}" in ${where}${near ? ` (did you mean "${near}"?)` : ''}; it suppresses nothing`;
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

function positionAt(starts: readonly number[], index: number) {
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (starts[mid] <= index) low = mid;
    else high = mid - 1;
  }
  return { line: low, column: index - starts[low] };
}

/** The comment node containing `index`, if the text there is inside a comment at all. */
function commentAt(root: Node, index: number, syntax: CommentSyntax): Node | undefined {
  // A comment may have children (Rust doc comments): climb a few levels from the innermost node.
  for (let node: Node | null = root.descendantForIndex(index, index + 1), depth = 0; node && depth < 4; node = node.parent, depth++) {
    if (syntax.nodeTypes.includes(node.type)) return node;
  }
  return undefined;
}

/**
 * Reads the suppression directives of a parsed file. `knownRuleIds` are the ids a directive may
 * name; any other id is reported as a problem (and suppresses nothing).
 */
export function readSuppressions(
  root: Node,
  language: LanguageId | string,
  source: string,
  knownRuleIds: ReadonlySet<string>,
): Suppressions {
  const directives: Directive[] = [];
  const problems: DirectiveProblem[] = [];
  const syntax = commentSyntax(language);
  if (syntax && source.includes(DIRECTIVE_MARKER)) {
    const starts = lineStarts(source);
    const seen = new Set<number>();
    for (let at = source.indexOf(DIRECTIVE_MARKER); at !== -1; at = source.indexOf(DIRECTIVE_MARKER, at + 1)) {
      const comment = commentAt(root, at, syntax);
      if (!comment || seen.has(comment.startIndex)) continue;
      seen.add(comment.startIndex);
      const { body, offset } = commentBody(comment.text);
      const directive = /^ffi-lens-[a-z-]*/.exec(body)?.[0];
      if (!directive) continue; // the marker is mentioned in prose, not a directive
      const bodyStart = comment.startIndex + offset;
      const rangeOf = (from: number, length: number): Range => ({
        start: positionAt(starts, bodyStart + from),
        end: positionAt(starts, bodyStart + from + length),
      });
      if (!(DIRECTIVES as readonly string[]).includes(directive)) {
        const near = closestRuleId(directive, DIRECTIVES);
        problems.push({
          range: rangeOf(0, directive.length),
          message: `unknown directive "${directive}"${near ? ` (did you mean "${near}"?)` : ''}: use ${DIRECTIVES.join(', ')}`,
          ...(near ? { suggestion: near } : {}),
        });
        continue;
      }
      const kind = directive as DirectiveKind;
      // The ids end at a reason (` -- why`), a further comment (`# expect`, `// note`) or the line end.
      const list = body.slice(directive.length).replace(/^:/, ' ').split(/\s(?:--|#|\/\/)|\n/)[0];
      const ids: Directive['ids'] = [];
      for (const token of list.matchAll(/[^\s,]+/g)) {
        const id = token[0];
        if (knownRuleIds.has(id)) ids.push({ id, range: rangeOf(directive.length + token.index, id.length) });
        else {
          const near = closestRuleId(id, knownRuleIds);
          problems.push({
            range: rangeOf(directive.length + token.index, id.length),
            message: unknownRuleMessage(id, `an ${kind} comment`, knownRuleIds),
            ...(near ? { suggestion: near } : {}),
          });
        }
      }
      // Ids were given but none is known: the directive suppresses nothing rather than everything.
      if (ids.length === 0 && list.trim() !== '') continue;
      const line =
        kind === 'ffi-lens-disable-file'
          ? undefined
          : kind === 'ffi-lens-disable-line'
            ? comment.startPosition.row
            : comment.endPosition.row + 1;
      const reason = /\s--\s+(.+?)\s*$/.exec(body.slice(directive.length).split('\n')[0])?.[1];
      directives.push({ kind, line, ids, range: rangeOf(0, directive.length), used: new Set(), ...(reason ? { reason } : {}) });
    }
  }
  const coverers = (finding: Finding) =>
    directives.filter(
      (d) => (d.line === undefined || d.line === finding.range.start.line) && (d.ids.length === 0 || d.ids.some((i) => i.id === finding.ruleId)),
    );
  const suppressed: SuppressedFinding[] = [];
  return {
    problems,
    suppressed,
    filter: (findings) =>
      findings.filter((finding) => {
        const covering = coverers(finding);
        for (const directive of covering) directive.used.add(directive.ids.length === 0 ? ALL : finding.ruleId);
        if (covering.length === 0) return true;
        const [first] = covering;
        suppressed.push({ ...finding, suppression: { directive: first.kind, ...(first.reason ? { justification: first.reason } : {}) } });
        return false;
      }),
    unused: (counts) =>
      directives.flatMap((directive): DirectiveProblem[] => {
        const where = directive.line === undefined ? 'in this file' : `on line ${directive.line + 1}`;
        if (directive.ids.length === 0) {
          return directive.used.size === 0 ? [{ range: directive.range, message: `unused ${directive.kind}: no finding ${where} to suppress` }] : [];
        }
        return directive.ids
          .filter(({ id }) => !directive.used.has(id) && counts(id))
          .map(({ id, range }) => ({ range, message: `unused suppression of ${id}: it has no finding ${where}` }));
      }),
  };
}

/**
 * The edit that silences `ruleId` on `line`: a `disable-next-line` comment above it with the
 * line's indentation, or the rule added to such a comment already there. Where a comment line
 * cannot go (after a backslash continuation) a Python line gets a `disable-line` comment at its
 * end instead; otherwise there is no edit.
 */
export function disableLineEdit(text: string, line: number, language: LanguageId | string, ruleId: string): TextEdit | undefined {
  const syntax = commentSyntax(language);
  const lines = text.split('\n');
  if (!syntax || line < 0 || line >= lines.length) return undefined;
  const target = lines[line].replace(/\r$/, '');
  const previous = line > 0 ? lines[line - 1].replace(/\r$/, '') : '';
  const prefix = syntax.linePrefix;
  const existing = new RegExp(`^(\\s*${prefix.replace(/\//g, '\\/')}\\s*ffi-lens-disable-next-line\\b)(.*?)(\\s+(?:--\\s|#|\\/\\/).*)?$`).exec(previous);
  if (existing) {
    const ids = existing[2].trim();
    if (ids === '' || ids.split(/[\s,]+/).includes(ruleId)) return undefined; // already covered
    const column = existing[1].length + existing[2].trimEnd().length;
    return { range: { start: { line: line - 1, column }, end: { line: line - 1, column } }, newText: `, ${ruleId}` };
  }
  if (previous.trimEnd().endsWith('\\')) {
    if (language !== 'python' || target.trimEnd().endsWith('\\')) return undefined;
    const column = target.length;
    return { range: { start: { line, column }, end: { line, column } }, newText: `  # ffi-lens-disable-line ${ruleId}` };
  }
  const indent = /^\s*/.exec(target)?.[0] ?? '';
  const eol = lines[line].endsWith('\r') ? '\r\n' : '\n';
  return {
    range: { start: { line, column: 0 }, end: { line, column: 0 } },
    newText: `${indent}${prefix} ffi-lens-disable-next-line ${ruleId}${eol}`,
  };
}
