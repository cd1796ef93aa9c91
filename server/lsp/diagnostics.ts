import { pathToFileURL } from 'node:url';
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver/node';
import type { KnowledgeBase } from '../content/knowledge-base';
import type { Finding } from '../engine/findings';
import type { Range, Severity } from '../engine/rule';
import type { DirectiveProblem } from '../engine/suppressions';

export const DIAGNOSTIC_SOURCE = 'ffi-lens';

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

/** What a diagnostic carries back to the server in code-action requests. */
export interface DiagnosticData {
  ruleId: string;
  questions: number[];
}

export function toLspRange(range: Range) {
  return {
    start: { line: range.start.line, character: range.start.column },
    end: { line: range.end.line, character: range.end.column },
  };
}

export function toDiagnostic(finding: Finding, knowledge: KnowledgeBase): Diagnostic {
  const data: DiagnosticData = { ruleId: finding.ruleId, questions: [...finding.questions] };
  return {
    range: toLspRange(finding.range),
    severity: SEVERITY[finding.severity],
    source: DIAGNOSTIC_SOURCE,
    code: finding.ruleId,
    // The installed copy of the rule's page: it exists offline and in every editor.
    codeDescription: { href: pathToFileURL(knowledge.ruleFile(finding.ruleId)).href },
    message: finding.message,
    data,
  };
}

/** The code of diagnostics about suppression comments themselves (not a rule: no page, no fix). */
export const DIRECTIVE_PROBLEM_CODE = 'invalid-suppression';

export function toProblemDiagnostic(problem: DirectiveProblem): Diagnostic {
  return {
    range: toLspRange(problem.range),
    severity: DiagnosticSeverity.Warning,
    source: DIAGNOSTIC_SOURCE,
    code: DIRECTIVE_PROBLEM_CODE,
    message: problem.message,
    ...(problem.suggestion ? { data: { suggestion: problem.suggestion } } : {}),
  };
}
