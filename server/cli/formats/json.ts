import * as path from 'node:path';
import type { FileReport } from '../../engine/file-analysis';
import type { Fix, Range, Severity } from '../../engine/rule';

/** A finding as `--format json` prints it: 1-based lines and columns (UTF-16 code units). */
export interface JsonFinding {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  ruleId: string;
  severity: Severity;
  message: string;
  questions: number[];
  fix?: { title: string; safe: boolean; edits: { line: number; column: number; endLine: number; endColumn: number; newText: string }[] };
}

function oneBased(range: Range) {
  return { line: range.start.line + 1, column: range.start.column + 1, endLine: range.end.line + 1, endColumn: range.end.column + 1 };
}

function jsonFix(fix: Fix): JsonFinding['fix'] {
  return { title: fix.title, safe: fix.safe, edits: fix.edits.map((edit) => ({ ...oneBased(edit.range), newText: edit.newText })) };
}

export function toJsonFindings(reports: readonly FileReport[], cwd: string): JsonFinding[] {
  return reports.flatMap((report) =>
    report.findings.map((finding) => ({
      file: path.relative(cwd, report.file) || report.file,
      ...oneBased(finding.range),
      ruleId: finding.ruleId,
      severity: finding.severity,
      message: finding.message,
      questions: [...finding.questions],
      ...(finding.fix ? { fix: jsonFix(finding.fix) } : {}),
    })),
  );
}
