import { Parser } from 'web-tree-sitter';
import { mayApply, QueryCache, runRules } from './checker';
import { ParsedDocument } from './document';
import { compareFindings, type Finding, type RuleFailure } from './findings';
import { loadLanguage } from './grammars';
import type { LanguageId } from './languages';
import type { Rule } from './rule';
import { DEFAULT_SETTINGS, effectiveSeverity, type EngineSettings } from './settings';
import { commentSyntax, DIRECTIVE_MARKER, readSuppressions, type DirectiveProblem, type SuppressedFinding } from './suppressions';
import { UNKNOWN_WORKSPACE, type WorkspaceFacts } from './workspace';

export interface EngineLogger {
  warn(message: string): void;
}

export interface AnalysisResult {
  findings: Finding[];
  /** Rules that threw on this file (already logged once per rule by the engine). */
  failures: RuleFailure[];
  /** False when the pre-check found nothing to look at and the file was never parsed. */
  parsed: boolean;
  /** Malformed suppression comments (unknown rule ids, misspelt directives), for the user to fix. */
  directiveProblems: DirectiveProblem[];
  /** Findings that suppression comments silenced (not shown; SARIF records them as suppressed). */
  suppressed: SuppressedFinding[];
}

const nothingToCheck = (): AnalysisResult => ({ findings: [], failures: [], parsed: false, directiveProblems: [], suppressed: [] });

/**
 * Parses files and runs rules on them. Knows nothing of editors or terminals: the language
 * server, the CLI and the tests all drive this class.
 */
/** The key of the time spent parsing in Engine.timings. */
export const PARSE_TIMING = '(parse)';

export class Engine {
  private readonly parsers = new Map<LanguageId, Parser>();
  private readonly queries = new QueryCache();
  private readonly failedRules = new Set<string>();
  private readonly ruleIds: ReadonlySet<string>;
  /** Set it to measure: milliseconds per rule id, and under `(parse)` the parsing (`npm run bench`). */
  timings: Map<string, number> | undefined;

  constructor(
    readonly rules: readonly Rule[],
    private readonly logger: EngineLogger = { warn: () => {} },
  ) {
    this.ruleIds = new Set(rules.map((rule) => rule.id));
  }

  /** The rules that could report anything in this text under these settings. */
  applicableRules(
    language: LanguageId,
    text: string,
    settings: EngineSettings = DEFAULT_SETTINGS,
    workspace: WorkspaceFacts = UNKNOWN_WORKSPACE,
  ): Rule[] {
    if (!settings.enable) return [];
    return this.rules.filter(
      (rule) => rule.languages.includes(language) && effectiveSeverity(rule, settings) && mayApply(rule, text, workspace),
    );
  }

  /** One-shot analysis: parse, check, and free the tree before returning. */
  async analyzeText(
    filePath: string,
    language: LanguageId,
    text: string,
    settings: EngineSettings = DEFAULT_SETTINGS,
    workspace: WorkspaceFacts = UNKNOWN_WORKSPACE,
  ): Promise<AnalysisResult> {
    if (!this.worthParsing(language, text, settings, this.applicableRules(language, text, settings, workspace))) return nothingToCheck();
    const document = await this.openDocument(filePath, language, text);
    try {
      return this.check(document, settings, workspace);
    } finally {
      document.dispose();
    }
  }

  /** A document the caller owns and must dispose(); its tree is kept between edits. */
  async openDocument(filePath: string, language: LanguageId, text: string): Promise<ParsedDocument> {
    return new ParsedDocument(filePath, language, text, await this.parserFor(language));
  }

  /**
   * Checks a document's current text, parsing it (incrementally, after edits) only when some rule
   * may apply; a document with nothing to check gives up its tree.
   */
  check(
    document: ParsedDocument,
    settings: EngineSettings = DEFAULT_SETTINGS,
    workspace: WorkspaceFacts = UNKNOWN_WORKSPACE,
  ): AnalysisResult {
    const rules = this.applicableRules(document.language, document.text, settings, workspace);
    if (!this.worthParsing(document.language, document.text, settings, rules)) {
      document.dropTree();
      return nothingToCheck();
    }
    const parseStarted = this.timings ? performance.now() : 0;
    const tree = document.parse();
    if (this.timings) this.timings.set(PARSE_TIMING, (this.timings.get(PARSE_TIMING) ?? 0) + performance.now() - parseStarted);
    const { findings, failures } = runRules({
      filePath: document.filePath,
      language: document.language,
      grammar: tree.language,
      source: document.text,
      root: tree.rootNode,
      rules,
      settings,
      queries: this.queries,
      workspace,
      timings: this.timings,
    });
    for (const failure of failures) this.logFailureOnce(failure);
    const suppressions = readSuppressions(tree.rootNode, document.language, document.text, this.ruleIds);
    const kept = suppressions.filter(findings).sort(compareFindings);
    const directiveProblems = [...suppressions.problems];
    // While the workspace is incomplete, cross-file rules stay silent: a directive for one would
    // look unused when it is not. Rules that are off or failed here could not have used theirs.
    if (settings.reportUnusedDirectives && workspace.complete) {
      const failed = new Set(failures.map((failure) => failure.ruleId));
      const counts = (id: string) => !failed.has(id) && this.isOn(id, settings);
      directiveProblems.push(...suppressions.unused(counts));
      directiveProblems.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.column - b.range.start.column);
    }
    return { findings: kept, failures, parsed: true, directiveProblems, suppressed: suppressions.suppressed.sort(compareFindings) };
  }

  private isOn(ruleId: string, settings: EngineSettings): boolean {
    const rule = this.rules.find((candidate) => candidate.id === ruleId);
    return !!rule && effectiveSeverity(rule, settings) !== undefined;
  }

  /**
   * A file is parsed when some rule may apply, or when it has suppression comments: a misspelt
   * rule id in one is reported even where no rule fires (such files are rare, so this is cheap).
   */
  private worthParsing(language: LanguageId, text: string, settings: EngineSettings, rules: readonly Rule[]): boolean {
    if (rules.length > 0) return true;
    return settings.enable && commentSyntax(language) !== undefined && text.includes(DIRECTIVE_MARKER);
  }

  /** Frees the parsers and compiled queries; the engine cannot be used afterwards. */
  dispose(): void {
    for (const parser of this.parsers.values()) parser.delete();
    this.parsers.clear();
    this.queries.dispose();
  }

  private async parserFor(language: LanguageId): Promise<Parser> {
    const grammar = await loadLanguage(language);
    let parser = this.parsers.get(language);
    if (!parser) {
      parser = new Parser();
      parser.setLanguage(grammar);
      this.parsers.set(language, parser);
    }
    return parser;
  }

  private logFailureOnce(failure: RuleFailure): void {
    if (this.failedRules.has(failure.ruleId)) return;
    this.failedRules.add(failure.ruleId);
    this.logger.warn(
      `rule ${failure.ruleId} threw on ${failure.filePath}; its findings there are dropped, other rules are unaffected ` +
        `(further failures of this rule are not logged):\n${failure.error}`,
    );
  }
}
