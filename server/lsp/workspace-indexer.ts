import * as fs from 'node:fs';
import * as path from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { collectFiles } from '../cli/walk';
import { ALL_COLLECTORS } from '../collectors';
import { SiblingLanguages } from '../engine/file-analysis';
import { decodeSource } from '../engine/input';
import { detectLanguage, isSupportedPath, type LanguageId } from '../engine/languages';
import { DEFAULT_SETTINGS } from '../engine/settings';
import { projectFileNames, WorkspaceIndex } from '../engine/workspace';

/** Project files (`Cargo.toml`, `binding.gyp`) some collector reads. */
const PROJECT_FILE_NAMES = projectFileNames(ALL_COLLECTORS);

/** Files read between turns of the event loop, so requests are answered while the index builds. */
const FILES_PER_TURN = 25;

/**
 * The workspace facts of the server: read from the workspace folders in the background once,
 * then kept current from the open documents' text. Until the first read finishes the index is
 * incomplete and cross-file rules stay silent.
 */
export class WorkspaceIndexer {
  readonly index = new WorkspaceIndex(ALL_COLLECTORS);
  private readonly siblings = new SiblingLanguages();
  private readonly openFiles = new Set<string>();
  /** Files read from disk by the last build, to drop those a new build no longer includes. */
  private diskFiles = new Set<string>();
  private isIgnored: (file: string) => boolean = () => false;

  private latestBuild: Promise<number> | undefined;

  /**
   * Reads every file of the folders except those `isIgnored` excludes; called again when the
   * ignore patterns change, it forgets the files no longer included.
   */
  build(
    folders: readonly string[],
    isCancelled: () => boolean = () => false,
    isIgnored: (file: string) => boolean = () => false,
  ): Promise<number> {
    this.latestBuild = this.read(folders, isCancelled, isIgnored);
    return this.latestBuild;
  }

  /** The build started last (a workspace scan waits for it); undefined before the first. */
  get latest(): Promise<number> | undefined {
    return this.latestBuild;
  }

  private async read(folders: readonly string[], isCancelled: () => boolean, isIgnored: (file: string) => boolean): Promise<number> {
    this.isIgnored = isIgnored;
    const walked = collectFiles(folders, process.cwd(), projectFileNames(ALL_COLLECTORS));
    const files = walked.files.filter((file) => !isIgnored(file));
    const projectFiles = walked.projectFiles.filter((file) => !isIgnored(file));
    const included = new Set([...files, ...projectFiles]);
    for (const file of this.diskFiles) if (!included.has(file) && !this.openFiles.has(file)) this.index.remove(file);
    this.diskFiles = included;
    for (const file of projectFiles) {
      try {
        this.index.update(file, undefined, fs.readFileSync(file, 'utf8'));
      } catch {
        // unreadable project files state nothing
      }
    }
    for (let i = 0; i < files.length; i++) {
      if (isCancelled()) return i;
      if (!this.openFiles.has(files[i])) this.readFromDisk(files[i]);
      if (i % FILES_PER_TURN === FILES_PER_TURN - 1) await nextTurn();
    }
    this.index.markComplete();
    return files.length;
  }

  /** An open document's text is what counts, saved or not; true when its facts changed. */
  updateOpen(filePath: string, language: LanguageId, text: string): boolean {
    this.openFiles.add(filePath);
    return this.index.update(filePath, language, text);
  }

  /** A closed document falls back to what is on disk. */
  closed(filePath: string): void {
    this.openFiles.delete(filePath);
    if (this.isIgnored(filePath)) this.index.remove(filePath);
    else this.readFromDisk(filePath);
  }

  /** An ignored file states nothing about the workspace. */
  exclude(filePath: string): void {
    this.openFiles.delete(filePath);
    this.index.remove(filePath);
  }

  /**
   * A file was created, changed or deleted on disk (a file watcher said so): re-read what it
   * states, unless an editor has it open (its text there counts). True when the facts changed.
   */
  changedOnDisk(filePath: string): boolean {
    if (this.openFiles.has(filePath)) return false;
    if (this.isIgnored(filePath)) return this.index.remove(filePath);
    if (PROJECT_FILE_NAMES.has(path.basename(filePath))) {
      try {
        return this.index.update(filePath, undefined, fs.readFileSync(filePath, 'utf8'));
      } catch {
        return this.index.remove(filePath);
      }
    }
    return isSupportedPath(filePath) && this.readFromDisk(filePath);
  }

  private readFromDisk(filePath: string): boolean {
    let bytes: Buffer;
    try {
      bytes = fs.readFileSync(filePath);
    } catch {
      return this.index.remove(filePath);
    }
    const decoded = decodeSource(bytes, DEFAULT_SETTINGS.maxFileBytes);
    const language = 'text' in decoded ? detectLanguage(filePath, decoded.text, () => this.siblings.hasCppSources(path.dirname(filePath))) : undefined;
    if ('text' in decoded && language) return this.index.update(filePath, language, decoded.text);
    return this.index.remove(filePath);
  }
}
