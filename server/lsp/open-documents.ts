import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Node } from 'web-tree-sitter';
import type { ParsedDocument, TextChange } from '../engine/document';
import type { Engine } from '../engine/engine';
import { SiblingLanguages } from '../engine/file-analysis';
import type { Finding } from '../engine/findings';
import { ALL_LANGUAGES, detectLanguage, extensionOf, type LanguageId } from '../engine/languages';
import type { Position } from '../engine/rule';
import type { DirectiveProblem } from '../engine/suppressions';
import type { SettingsStore } from './settings-store';
import type { WorkspaceIndexer } from './workspace-indexer';

const BINARY_SNIFF_CHARS = 8000;

interface OpenDocument {
  uri: string;
  version: number;
  /** Resolves to the parsed document once its grammar is loaded; edits are chained onto it in order. */
  ready: Promise<ParsedDocument | undefined>;
  timer?: NodeJS.Timeout;
  findings: Finding[];
  /** Malformed suppression comments found by the last check. */
  problems: DirectiveProblem[];
  closed: boolean;
  /** Why the document is not checked (too large, binary), once told to the user. */
  skipReason?: string;
}

export interface OpenDocumentsHost {
  publish(uri: string, version: number | undefined, findings: readonly Finding[], problems: readonly DirectiveProblem[]): void;
  log(message: string): void;
  /** A message the user should see once (e.g. a grammar failed to load, a file is too large). */
  notify(message: string): void;
}

function filePathOf(uri: string): string {
  if (uri.startsWith('file:')) {
    try {
      return fileURLToPath(uri);
    } catch {
      // fall through: treat it like any other URI
    }
  }
  return decodeURIComponent(uri.replace(/^[a-z]+:\/*/i, '/'));
}

/**
 * The documents an editor has open, each with the tree parsed from it (owned here and deleted on
 * close). Edits are applied incrementally; checks are debounced per document and a result is
 * dropped when the document changed while it was computed.
 */
export class OpenDocuments {
  private readonly documents = new Map<string, OpenDocument>();
  private readonly siblings = new SiblingLanguages();
  private readonly failedLanguages = new Set<LanguageId>();

  constructor(
    private readonly engine: Engine,
    private readonly settings: SettingsStore,
    private readonly host: OpenDocumentsHost,
    private readonly debounceMs: number,
    private readonly workspace: WorkspaceIndexer,
  ) {}

  open(uri: string, languageId: string, version: number, text: string): void {
    this.close(uri);
    const filePath = filePathOf(uri);
    const language = this.languageOf(filePath, languageId, text);
    if (!language) return;
    const ready = this.engine.openDocument(filePath, language, text).catch((error: unknown) => {
      if (!this.failedLanguages.has(language)) {
        this.failedLanguages.add(language);
        this.host.notify(`FFI Lens cannot check ${language} files: ${(error as Error).message}`);
      }
      return undefined;
    });
    const document: OpenDocument = { uri, version, ready, findings: [], problems: [], closed: false };
    this.documents.set(uri, document);
    this.schedule(document, 0);
  }

  change(uri: string, version: number, changes: readonly TextChange[]): void {
    const document = this.documents.get(uri);
    if (!document) return;
    document.version = version;
    document.ready = document.ready.then((parsed) => {
      parsed?.applyChanges(changes);
      return parsed;
    });
    this.schedule(document, this.debounceMs);
  }

  close(uri: string): void {
    const document = this.documents.get(uri);
    if (!document) return;
    document.closed = true;
    clearTimeout(document.timer);
    this.documents.delete(uri);
    this.settings.forget(uri);
    void document.ready.then((parsed) => {
      if (parsed && path.isAbsolute(parsed.filePath)) this.workspace.closed(parsed.filePath);
      parsed?.dispose();
    });
    this.host.publish(uri, undefined, [], []);
  }

  /** Re-checks every open document, e.g. after a settings change. */
  recheckAll(): void {
    for (const document of this.documents.values()) this.schedule(document, 0);
  }

  /** The findings of the last completed check that cover `position`. */
  findingsAt(uri: string, position: Position): Finding[] {
    const findings = this.documents.get(uri)?.findings ?? [];
    const before = (a: Position, b: Position) => a.line < b.line || (a.line === b.line && a.column <= b.column);
    return findings.filter((f) => before(f.range.start, position) && before(position, f.range.end));
  }

  /**
   * Runs `inspect` against the syntax tree of the document's current text (see
   * ParsedDocument.withRoot); undefined when the document is not open, its grammar failed to load,
   * FFI Lens is disabled for it, or it is skipped (too large, binary). The tree stays owned here.
   */
  async inspect<T>(uri: string, inspect: (root: Node, language: LanguageId) => T): Promise<T | undefined> {
    const document = this.documents.get(uri);
    if (!document) return undefined;
    const settings = await this.settings.get(uri);
    const parsed = await document.ready;
    if (!parsed || document.closed || !settings.enable || this.skipReason(parsed.text, settings.maxFileBytes)) return undefined;
    return parsed.withRoot((root) => inspect(root, parsed.language));
  }

  isOpen(uri: string): boolean {
    return this.documents.has(uri);
  }

  findings(uri: string): readonly Finding[] {
    return this.documents.get(uri)?.findings ?? [];
  }

  /** The current text and language of an open document (with every edit received so far). */
  async source(uri: string): Promise<{ text: string; language: LanguageId } | undefined> {
    const parsed = await this.documents.get(uri)?.ready;
    return parsed ? { text: parsed.text, language: parsed.language } : undefined;
  }

  /** Resolves once every scheduled check has run (for an orderly shutdown and for tests). */
  dispose(): void {
    for (const uri of [...this.documents.keys()]) this.close(uri);
  }

  private languageOf(filePath: string, languageId: string, text: string): LanguageId | undefined {
    if (extensionOf(filePath) === '.h' && languageId === 'cpp') return 'cpp';
    const byExtension = detectLanguage(filePath, text, () =>
      path.isAbsolute(filePath) ? this.siblings.hasCppSources(path.dirname(filePath)) : false,
    );
    if (byExtension) return byExtension;
    // The editor's language id names a source without a known extension (an untitled buffer);
    // JSON counts only by file name (package.json), never by language id.
    const byLanguageId = ALL_LANGUAGES.find((language) => language === languageId);
    return byLanguageId === 'json' ? undefined : byLanguageId;
  }

  private schedule(document: OpenDocument, delayMs: number): void {
    clearTimeout(document.timer);
    document.timer = setTimeout(() => {
      this.check(document).catch((error: unknown) =>
        this.host.log(`checking ${document.uri} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`),
      );
    }, delayMs);
  }

  private async check(document: OpenDocument): Promise<void> {
    const version = document.version;
    const { settings, ignored } = await this.settings.resolve(document.uri);
    const parsed = await document.ready;
    if (!parsed || document.closed || document.version !== version) return; // a newer check is scheduled
    const skipReason = this.skipReason(parsed.text, settings.maxFileBytes);
    document.problems = [];
    if (ignored) {
      // Excluded by "ignore" (project config or ffiLens.ignore): no diagnostics and no facts.
      parsed.dropTree();
      document.findings = [];
      if (path.isAbsolute(parsed.filePath)) this.workspace.exclude(parsed.filePath);
    } else if (skipReason) {
      parsed.dropTree();
      document.findings = [];
      if (document.skipReason !== skipReason) this.host.notify(`FFI Lens skipped ${path.basename(parsed.filePath)}: ${skipReason}`);
      document.skipReason = skipReason;
    } else {
      document.skipReason = undefined;
      if (this.workspace.updateOpen(parsed.filePath, parsed.language, parsed.text)) {
        // What this file states about the workspace changed: other open files may read it.
        for (const other of this.documents.values()) if (other !== document) this.schedule(other, this.debounceMs);
      }
      const result = this.engine.check(parsed, settings, this.workspace.index);
      document.findings = result.findings;
      document.problems = result.directiveProblems;
    }
    this.host.publish(document.uri, version, document.findings, document.problems);
  }

  private skipReason(text: string, maxFileBytes: number): string | undefined {
    const bytes = text.length > maxFileBytes / 4 ? Buffer.byteLength(text) : text.length;
    if (bytes > maxFileBytes) return `${bytes} bytes is over the ${maxFileBytes}-byte limit (ffiLens.maxFileBytes)`;
    if (text.slice(0, BINARY_SNIFF_CHARS).includes('\0')) return 'it looks binary (contains NUL characters)';
    return undefined;
  }
}
