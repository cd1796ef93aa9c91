import { Query, type Language, type Node } from 'web-tree-sitter';
import type { Finding, RuleFailure } from './findings';
import type { LanguageId } from './languages';
import { formatMessage, type Range, type Rule, type RuleContext, type RuleReport } from './rule';
import { effectiveSeverity, type EngineSettings } from './settings';
import type { WorkspaceFacts } from './workspace';

/** Compiled queries, one per (rule, query name, language), kept for the life of the process. */
export class QueryCache {
  private readonly compiled = new Map<string, Query>();

  get(rule: Rule, name: string, language: LanguageId, grammar: Language): Query {
    const key = `${rule.id}\0${name}\0${language}`;
    let query = this.compiled.get(key);
    if (!query) {
      const declared = rule.queries?.[name];
      const source = typeof declared === 'string' ? declared : declared?.[language];
      if (source === undefined) throw new Error(`rule ${rule.id} has no query "${name}" for ${language}`);
      query = new Query(grammar, source);
      this.compiled.set(key, query);
    }
    return query;
  }

  dispose(): void {
    for (const query of this.compiled.values()) query.delete();
    this.compiled.clear();
  }
}

/** True when the text contains one of the rule's trigger strings (and passes its text test): cheaper than any parse. */
export function mayApply(rule: Rule, text: string, workspace: WorkspaceFacts): boolean {
  return rule.triggers.some((trigger) => text.includes(trigger)) && (rule.appliesTo?.(text, workspace) ?? true);
}

function rangeOf(node: Node): Range {
  return {
    start: { line: node.startPosition.row, column: node.startPosition.column },
    end: { line: node.endPosition.row, column: node.endPosition.column },
  };
}

export interface CheckInput {
  filePath: string;
  language: LanguageId;
  grammar: Language;
  source: string;
  root: Node;
  rules: readonly Rule[];
  settings: EngineSettings;
  queries: QueryCache;
  workspace: WorkspaceFacts;
  /** When given, each rule's time (ms) is added under its id; a shared analysis counts for the first rule asking. */
  timings?: Map<string, number>;
}

/**
 * Runs each rule on one parsed file. A rule that throws loses only its own findings for this
 * file; the failure is returned for the caller to log.
 */
export function runRules(input: CheckInput): { findings: Finding[]; failures: RuleFailure[] } {
  const findings: Finding[] = [];
  const failures: RuleFailure[] = [];
  const sharedAnalyses = new Map<(root: Node) => unknown, unknown>();
  const shared = <T>(compute: (root: Node) => T): T => {
    if (!sharedAnalyses.has(compute)) sharedAnalyses.set(compute, compute(input.root));
    return sharedAnalyses.get(compute) as T;
  };
  for (const rule of input.rules) {
    const severity = effectiveSeverity(rule, input.settings);
    if (!severity || !rule.languages.includes(input.language) || !mayApply(rule, input.source, input.workspace)) continue;
    const reported: Finding[] = [];
    const context: RuleContext = {
      filePath: input.filePath,
      language: input.language,
      source: input.source,
      root: input.root,
      workspace: input.workspace,
      matches: (name, node = input.root) => input.queries.get(rule, name, input.language, input.grammar).matches(node),
      captures: (name, node = input.root) => input.queries.get(rule, name, input.language, input.grammar).captures(node),
      shared,
      report: (report: RuleReport) => {
        const template = rule.messages[report.messageId];
        if (template === undefined) throw new Error(`unknown messageId "${report.messageId}"`);
        const range = report.range ?? (report.node ? rangeOf(report.node) : undefined);
        if (!range) throw new Error('a report needs a node or a range');
        reported.push({
          ruleId: rule.id,
          severity,
          message: formatMessage(template, report.data),
          questions: rule.questions,
          range,
          ...(report.fix ? { fix: report.fix } : {}),
        });
      },
    };
    const started = input.timings ? performance.now() : 0;
    try {
      rule.check(context);
      findings.push(...reported);
    } catch (error) {
      failures.push({
        ruleId: rule.id,
        filePath: input.filePath,
        error: error instanceof Error ? (error.stack ?? error.message) : String(error),
      });
    }
    if (input.timings) input.timings.set(rule.id, (input.timings.get(rule.id) ?? 0) + performance.now() - started);
  }
  return { findings, failures };
}
