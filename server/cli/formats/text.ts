import * as path from 'node:path';
import type { FileReport } from '../../engine/file-analysis';

function questionList(questions: readonly number[]): string {
  return questions.map((q) => `Q${q}`).join(', ');
}

/** `path:line:col severity rule-id message (Qn)`, one line per finding, 1-based positions. */
export function formatText(reports: readonly FileReport[], cwd: string): string {
  const lines: string[] = [];
  for (const report of reports) {
    const shown = path.relative(cwd, report.file) || report.file;
    for (const finding of report.findings) {
      const { line, column } = finding.range.start;
      lines.push(`${shown}:${line + 1}:${column + 1} ${finding.severity} ${finding.ruleId} ${finding.message} (${questionList(finding.questions)})`);
    }
  }
  return lines.length ? `${lines.join('\n')}\n` : '';
}
