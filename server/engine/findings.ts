import type { Fix, Range, Severity } from './rule';

/** One hazard found in one file. Positions are 0-based; the CLI prints them 1-based. */
export interface Finding {
  ruleId: string;
  severity: Severity;
  message: string;
  questions: readonly number[];
  range: Range;
  fix?: Fix;
}

/** A rule that threw on a file: its findings for that file are dropped, the others stand. */
export interface RuleFailure {
  ruleId: string;
  filePath: string;
  error: string;
}

export function compareFindings(a: Finding, b: Finding): number {
  return (
    a.range.start.line - b.range.start.line ||
    a.range.start.column - b.range.start.column ||
    a.ruleId.localeCompare(b.ruleId)
  );
}
