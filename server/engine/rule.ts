import type { Node, QueryCapture, QueryMatch } from 'web-tree-sitter';
import type { LanguageId } from './languages';
import type { WorkspaceFacts } from './workspace';

export type Severity = 'error' | 'warning' | 'info' | 'hint';
export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info', 'hint'];

/** A place in a source text: 0-based line, 0-based column in UTF-16 code units (as LSP counts). */
export interface Position {
  line: number;
  column: number;
}

export interface Range {
  start: Position;
  end: Position;
}

export interface TextEdit {
  range: Range;
  newText: string;
}

/** A mechanical fix. `safe` fixes keep behaviour for correct programs and may be applied in bulk. */
export interface Fix {
  title: string;
  edits: TextEdit[];
  safe: boolean;
}

/** What a rule says about one place in one file. */
export interface RuleReport {
  /** The node to underline; or `range` for an arbitrary span. */
  node?: Node;
  range?: Range;
  messageId: string;
  /** Values for the message's `{{placeholders}}`: the concrete names a user recognises. */
  data?: Record<string, string>;
  fix?: Fix;
}

/** What a rule's check receives: one parsed file, its compiled queries and a way to report. */
export interface RuleContext {
  readonly filePath: string;
  readonly language: LanguageId;
  readonly source: string;
  readonly root: Node;
  /** Facts other files of the workspace state (see WorkspaceFacts.complete before relying on absence). */
  readonly workspace: WorkspaceFacts;
  /** Matches of the rule's named query (compiled once per process) under `node` (default: root). */
  matches(queryName: string, node?: Node): QueryMatch[];
  /** Captures of the rule's named query under `node` (default: root), in document order. */
  captures(queryName: string, node?: Node): QueryCapture[];
  report(report: RuleReport): void;
  /**
   * A whole-file analysis shared by every rule that asks for it: `compute` runs once per file and
   * check, and later calls with the same function get the same result. Treat it as read-only.
   */
  shared<T>(compute: (root: Node) => T): T;
}

/** A query's source for all of the rule's languages, or one per language. */
export type QuerySource = string | Partial<Record<LanguageId, string>>;

export interface Rule {
  /** `<surface>/<hazard>` in kebab case, e.g. `jni/cached-env`. Stable: users configure by it. */
  id: string;
  languages: readonly LanguageId[];
  severity: Severity;
  /** Seed questions (1..40) that explain the hazard; the first is the primary one. */
  questions: readonly number[];
  /** One line: what the rule finds. Used by `ffi-lens rules`, SARIF and the README catalogue. */
  description: string;
  /** Report messages by id; `{{name}}` is replaced with the report's data. One line each. */
  messages: Readonly<Record<string, string>>;
  fixable: boolean;
  /**
   * Substrings of which at least one must occur in a file for the rule to run at all. The engine
   * does not even parse a file that contains none of any rule's triggers.
   */
  triggers: readonly string[];
  /**
   * A further cheap test on the text, with the workspace's facts, for rules whose triggers cannot
   * be narrow (any C++ function may be looked up by a binding elsewhere): false skips the file.
   */
  appliesTo?(text: string, workspace: WorkspaceFacts): boolean;
  queries?: Readonly<Record<string, QuerySource>>;
  check(context: RuleContext): void;
}

const RULE_ID = /^(ctypes|cffi|cpython|jni|panama|cgo|rust|napi|abi)\/[a-z0-9]+(-[a-z0-9]+)*$/;

/** Declares a rule; throws at load time when the declaration is malformed. */
export function defineRule(rule: Rule): Rule {
  const problems: string[] = [];
  if (!RULE_ID.test(rule.id)) problems.push('id must be <surface>/<kebab-case-name>');
  if (rule.languages.length === 0) problems.push('no languages');
  if (rule.questions.length === 0) problems.push('no seed question');
  if (rule.questions.some((q) => !Number.isInteger(q) || q < 1 || q > 40)) problems.push('questions must be 1..40');
  if (rule.triggers.length === 0) problems.push('no triggers');
  if (Object.keys(rule.messages).length === 0) problems.push('no messages');
  for (const [id, text] of Object.entries(rule.messages)) {
    if (text.includes('\n')) problems.push(`message ${id} spans lines`);
  }
  if (problems.length > 0) throw new Error(`rule ${rule.id}: ${problems.join('; ')}`);
  return rule;
}

export function formatMessage(template: string, data: Record<string, string> = {}): string {
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (whole, key: string) => data[key] ?? whole);
}
