import { fileNameOf, type LanguageId } from './languages';

/**
 * What files state about the rest of the workspace, read from their text without parsing: which
 * JNI symbols the C sources export, which method names they register, and so on. Rules that
 * reason across files (a Java `native` method and the C that implements it) ask these facts
 * through `context.workspace`; the CLI and the language server fill them in before checking.
 */
export interface WorkspaceFacts {
  /**
   * False until every file of the workspace has been read. A rule that reports something because
   * a fact is absent must stay silent while this is false: absence proves nothing yet.
   */
  readonly complete: boolean;
  has(kind: string, value: string): boolean;
  /** The files that state the fact, sorted. */
  filesWith(kind: string, value: string): string[];
}

/** Reads facts of some kinds from one file's text. Cheap: it runs on every file of a workspace. */
export interface FactCollector {
  kinds: readonly string[];
  /** Source files it reads, by language... */
  languages: readonly LanguageId[];
  /** ...and project files it reads, by exact name (`Cargo.toml`, `binding.gyp`). */
  fileNames?: readonly string[];
  /** Like a rule's triggers: files containing none of these are not read further. */
  triggers: readonly string[];
  collect(text: string, file: string): { kind: string; value: string }[];
}

/** The project file names any of these collectors reads (the walk picks them up beside sources). */
export function projectFileNames(collectors: readonly FactCollector[]): Set<string> {
  return new Set(collectors.flatMap((collector) => collector.fileNames ?? []));
}

const key = (kind: string, value: string) => `${kind}\0${value}`;

/** Facts per file, kept current as files change; one per workspace (CLI run or server). */
export class WorkspaceIndex implements WorkspaceFacts {
  private readonly byFile = new Map<string, string[]>();
  private readonly byFact = new Map<string, Set<string>>();
  private isComplete = false;

  constructor(private readonly collectors: readonly FactCollector[]) {}

  get complete(): boolean {
    return this.isComplete;
  }

  markComplete(): void {
    this.isComplete = true;
  }

  /**
   * (Re)reads one file's facts, replacing what it stated before; true when they changed. A
   * project file (no language) is read by the collectors that name it.
   */
  update(file: string, language: LanguageId | undefined, text: string): boolean {
    const before = (this.byFile.get(file) ?? []).join('\n');
    this.remove(file);
    const keys: string[] = [];
    const name = fileNameOf(file);
    for (const collector of this.collectors) {
      const reads = language ? collector.languages.includes(language) : (collector.fileNames?.includes(name) ?? false);
      if (!reads || !collector.triggers.some((t) => text.includes(t))) continue;
      for (const fact of collector.collect(text, file)) {
        if (!collector.kinds.includes(fact.kind)) throw new Error(`collector stated an undeclared fact kind ${fact.kind}`);
        keys.push(key(fact.kind, fact.value));
      }
    }
    if (keys.length === 0) return before !== '';
    this.byFile.set(file, keys);
    for (const k of keys) {
      let files = this.byFact.get(k);
      if (!files) this.byFact.set(k, (files = new Set()));
      files.add(file);
    }
    return keys.join('\n') !== before;
  }

  /** Forgets what a file stated; true when it stated anything. */
  remove(file: string): boolean {
    for (const k of this.byFile.get(file) ?? []) {
      const files = this.byFact.get(k);
      files?.delete(file);
      if (files?.size === 0) this.byFact.delete(k);
    }
    return this.byFile.delete(file);
  }

  has(kind: string, value: string): boolean {
    return this.byFact.has(key(kind, value));
  }

  filesWith(kind: string, value: string): string[] {
    return [...(this.byFact.get(key(kind, value)) ?? [])].sort();
  }

  /** Every fact, for handing the index to worker threads. */
  snapshot(): { files: [string, string[]][]; complete: boolean } {
    return { files: [...this.byFile], complete: this.isComplete };
  }

  static fromSnapshot(snapshot: { files: [string, string[]][]; complete: boolean }): WorkspaceIndex {
    const index = new WorkspaceIndex([]);
    for (const [file, keys] of snapshot.files) {
      index.byFile.set(file, keys);
      for (const k of keys) {
        let files = index.byFact.get(k);
        if (!files) index.byFact.set(k, (files = new Set()));
        files.add(file);
      }
    }
    if (snapshot.complete) index.markComplete();
    return index;
  }
}

/** For a single file analysed on its own: nothing is known about the rest. */
export const UNKNOWN_WORKSPACE: WorkspaceFacts = { complete: false, has: () => false, filesWith: () => [] };
