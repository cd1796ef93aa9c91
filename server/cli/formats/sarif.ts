import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { KnowledgeBase } from '../../content/knowledge-base';
import type { FileReport } from '../../engine/file-analysis';
import type { Finding } from '../../engine/findings';
import type { Range, Rule, Severity } from '../../engine/rule';
import type { SuppressedFinding } from '../../engine/suppressions';
import { questionUrl, ruleUrl } from '../../content/links';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note', hint: 'note' };

function ruleHelp(rule: Rule, knowledge: KnowledgeBase): { text: string; markdown: string } {
  const summary = knowledge.rule(rule.id)?.sections.get('Summary') ?? rule.description;
  const reading = rule.questions.map((q) => {
    const title = knowledge.question(q)?.title ?? `Question ${q}`;
    return { text: `Q${q}: ${title} (${questionUrl(q)})`, markdown: `[Q${q}: ${title}](${questionUrl(q)})` };
  });
  return {
    text: `${summary}\n\nRead: ${reading.map((r) => r.text).join('; ')}`,
    markdown: `${summary}\n\nRead: ${reading.map((r) => r.markdown).join(', ')}`,
  };
}

function region(range: Range) {
  return {
    startLine: range.start.line + 1,
    startColumn: range.start.column + 1,
    endLine: range.end.line + 1,
    endColumn: range.end.column + 1,
  };
}

/** SARIF 2.1.0, as GitHub code scanning ingests it: rule metadata, help text, results, fixes. */
export function toSarif(reports: readonly FileReport[], rules: readonly Rule[], knowledge: KnowledgeBase, cwd: string, version: string) {
  const ruleIndex = new Map(rules.map((rule, index) => [rule.id, index]));
  const artifactUri = (file: string) => path.relative(cwd, file).split(path.sep).join('/');
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'FFI Lens',
            version,
            semanticVersion: version,
            informationUri: 'https://github.com/ffi-lens/ffi-lens',
            rules: rules.map((rule) => ({
              id: rule.id,
              name: rule.id.replace(/(^|[/-])([a-z0-9])/g, (_, __, c: string) => c.toUpperCase()),
              shortDescription: { text: rule.description },
              fullDescription: { text: knowledge.rule(rule.id)?.sections.get('Summary') ?? rule.description },
              help: ruleHelp(rule, knowledge),
              helpUri: ruleUrl(rule.id),
              defaultConfiguration: { level: LEVEL[rule.severity] },
              properties: { tags: ['ffi', rule.id.split('/')[0]], questions: [...rule.questions] },
            })),
          },
        },
        originalUriBaseIds: { SRCROOT: { uri: pathToFileURL(cwd + path.sep).href } },
        invocations: [
          {
            executionSuccessful: reports.every((report) => !report.error),
            // Files skipped or read lossily, and rules that threw: visible in code scanning's tool status.
            toolExecutionNotifications: reports.flatMap((report) => [
              ...[...report.notices, ...(report.error ? [report.error] : [])].map((text) => ({
                level: report.error ? 'error' : 'warning',
                message: { text },
                locations: [{ physicalLocation: { artifactLocation: { uri: artifactUri(report.file), uriBaseId: 'SRCROOT' } } }],
              })),
              // Malformed or unused suppression comments.
              ...(report.directiveProblems ?? []).map((problem) => ({
                level: 'warning',
                message: { text: problem.message },
                locations: [{ physicalLocation: { artifactLocation: { uri: artifactUri(report.file), uriBaseId: 'SRCROOT' }, region: region(problem.range) } }],
              })),
              ...report.failures.map((failure) => ({
                level: 'error',
                message: { text: `rule ${failure.ruleId} failed on this file; its findings here are missing` },
                descriptor: { id: failure.ruleId },
                locations: [{ physicalLocation: { artifactLocation: { uri: artifactUri(report.file), uriBaseId: 'SRCROOT' } } }],
              })),
            ]),
          },
        ],
        columnKind: 'utf16CodeUnits',
        // Findings silenced by a suppression comment are results too, marked as suppressed in
        // source (code scanning shows them as dismissed instead of dropping them silently).
        results: reports.flatMap((report) =>
          [...report.findings, ...(report.suppressed ?? [])].map((finding: Finding & Partial<SuppressedFinding>) => ({
            ruleId: finding.ruleId,
            ruleIndex: ruleIndex.get(finding.ruleId) ?? -1,
            level: LEVEL[finding.severity],
            message: { text: finding.message },
            locations: [
              {
                physicalLocation: {
                  artifactLocation: { uri: artifactUri(report.file), uriBaseId: 'SRCROOT' },
                  region: region(finding.range),
                },
              },
            ],
            ...(finding.suppression
              ? {
                  suppressions: [
                    {
                      kind: 'inSource',
                      ...(finding.suppression.justification ? { justification: finding.suppression.justification } : {}),
                    },
                  ],
                }
              : {}),
            ...(finding.fix
              ? {
                  fixes: [
                    {
                      description: { text: finding.fix.title },
                      artifactChanges: [
                        {
                          artifactLocation: { uri: artifactUri(report.file), uriBaseId: 'SRCROOT' },
                          replacements: finding.fix.edits.map((edit) => ({
                            deletedRegion: region(edit.range),
                            insertedContent: { text: edit.newText },
                          })),
                        },
                      ],
                    },
                  ],
                }
              : {}),
          })),
        ),
      },
    ],
  };
}
