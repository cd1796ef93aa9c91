import { pathToFileURL } from 'node:url';
import type { Node } from 'web-tree-sitter';
import { MarkupKind, type Hover } from 'vscode-languageserver/node';
import { apiMentionAt } from '../analysis/api-at-position';
import type { ApiNote, ApiNotes } from '../content/api-notes';
import type { KnowledgeBase } from '../content/knowledge-base';
import type { Finding } from '../engine/findings';
import type { LanguageId } from '../engine/languages';
import type { Position, Range } from '../engine/rule';
import { toLspRange } from './diagnostics';

/** `[Q7: title](file-url) · …` for the questions to read. */
function questionLinks(questions: readonly number[], knowledge: KnowledgeBase): string {
  return questions
    .map((q) => `[Q${q}: ${knowledge.question(q)?.title ?? `question ${q}`}](${pathToFileURL(knowledge.questionFile(q)).href})`)
    .join(' · ');
}

/**
 * The hover for the findings under the cursor: for each, why it matters and what to do (the rule
 * page's summary) and where to read the full answer. The finding's own message is not repeated:
 * editors show the diagnostic beside the hover already.
 */
export function hoverMarkdown(findings: readonly Finding[], knowledge: KnowledgeBase): string {
  return findings
    .map((finding) => {
      const rulePage = knowledge.rule(finding.ruleId);
      return [
        `**FFI Lens** \`${finding.ruleId}\` (${finding.severity})`,
        rulePage?.sections.get('Summary') ?? '',
        `Read: ${questionLinks(finding.questions, knowledge)} · [rule](${pathToFileURL(knowledge.ruleFile(finding.ruleId)).href})`,
      ]
        .filter(Boolean)
        .join('\n\n');
    })
    .join('\n\n---\n\n');
}

/** The hover for an FFI API under the cursor (content/apis.md): its note and the questions to read. */
export function apiNoteMarkdown(note: ApiNote, knowledge: KnowledgeBase): string {
  return [`**FFI Lens** · ${note.title}`, note.note, `Read: ${questionLinks(note.questions, knowledge)}`].join('\n\n');
}

/** The API note for what the cursor rests on, with the range it covers. */
export function apiNoteAt(notes: ApiNotes, root: Node, language: LanguageId, position: Position): { note: ApiNote; range: Range } | undefined {
  const mention = apiMentionAt(root, language, position);
  const note = mention && notes.find(language, mention.keys);
  return mention && note ? { note, range: mention.range } : undefined;
}

/** The LSP hover: the findings under the cursor, then the API note, separated by a rule; null when neither. */
export function hoverFor(findings: readonly Finding[], api: { note: ApiNote; range: Range } | undefined, knowledge: KnowledgeBase): Hover | null {
  const parts = [findings.length > 0 ? hoverMarkdown(findings, knowledge) : '', api ? apiNoteMarkdown(api.note, knowledge) : ''].filter(Boolean);
  const range = findings[0]?.range ?? api?.range;
  if (parts.length === 0 || !range) return null;
  return { contents: { kind: MarkupKind.Markdown, value: parts.join('\n\n---\n\n') }, range: toLspRange(range) };
}
