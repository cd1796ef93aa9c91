import type { Fix, Position, TextEdit } from './rule';

function offsetOf(lineStarts: number[], text: string, position: Position): number {
  if (position.line >= lineStarts.length) return text.length;
  return Math.min(lineStarts[position.line] + position.column, text.length);
}

/**
 * Applies fixes to a text, in order of position. A fix whose edits overlap an earlier applied
 * fix is skipped whole (as ESLint does), so the result is always well formed; run again to apply it.
 */
export function applyFixes(text: string, fixes: readonly Fix[]): string {
  const lineStarts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  const toOffsets = (edit: TextEdit) => ({
    start: offsetOf(lineStarts, text, edit.range.start),
    end: offsetOf(lineStarts, text, edit.range.end),
    newText: edit.newText,
  });
  const accepted: { start: number; end: number; newText: string }[] = [];
  const ordered = fixes
    .map((fix) => fix.edits.map(toOffsets))
    .sort((a, b) => Math.min(...a.map((e) => e.start)) - Math.min(...b.map((e) => e.start)));
  for (const edits of ordered) {
    const overlaps = edits.some((edit) => accepted.some((taken) => edit.start < taken.end && taken.start < edit.end || edit.start === taken.start));
    if (!overlaps) accepted.push(...edits);
  }
  let result = text;
  for (const edit of accepted.sort((a, b) => b.start - a.start)) {
    result = result.slice(0, edit.start) + edit.newText + result.slice(edit.end);
  }
  return result;
}
