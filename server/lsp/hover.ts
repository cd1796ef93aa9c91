import { pathToFileURL } from 'node:url';
import type { KnowledgeBase } from '../content/knowledge-base';
import type { Finding } from '../engine/findings';

/**
 * The hover for the findings under the cursor: for each, why it matters and what to do (the rule
 * page's summary) and where to read the full answer. The finding's own message is not repeated:
 * editors show the diagnostic beside the hover already.
 */
export function hoverMarkdown(findings: readonly Finding[], knowledge: KnowledgeBase): string {
  return findings
    .map((finding) => {
      const rulePage = knowledge.rule(finding.ruleId);
      const reading = finding.questions
        .map((q) => `[Q${q}: ${knowledge.question(q)?.title ?? `question ${q}`}](${pathToFileURL(knowledge.questionFile(q)).href})`)
        .join(' · ');
      return [
        `**FFI Lens** \`${finding.ruleId}\` (${finding.severity})`,
        rulePage?.sections.get('Summary') ?? '',
        `Read: ${reading} · [rule](${pathToFileURL(knowledge.ruleFile(finding.ruleId)).href})`,
      ]
        .filter(Boolean)
        .join('\n\n');
    })
    .join('\n\n---\n\n');
}
