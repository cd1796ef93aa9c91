import * as path from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { collectFiles } from '../cli/walk';
import type { Engine } from '../engine/engine';
import { analyzeFile, SiblingLanguages } from '../engine/file-analysis';
import type { Finding } from '../engine/findings';
import type { DirectiveProblem } from '../engine/suppressions';
import type { WorkspaceFacts } from '../engine/workspace';
import type { DocumentSettings } from './settings-store';

export interface ScanHost {
  /**
   * An open document's live findings (undefined when it is not open): the scan leaves its
   * diagnostics alone, and counts these in its summary.
   */
  openFindings(uri: string): readonly Finding[] | undefined;
  publish(uri: string, findings: readonly Finding[], problems: readonly DirectiveProblem[]): void;
  /** Per file of a workspace folder: its settings and whether it is excluded (asked once per folder). */
  settingsIn(folder: string): Promise<(file: string) => DocumentSettings>;
  progress(done: number, total: number, file: string): void;
  log(message: string): void;
}

export interface ScanSummary {
  files: number;
  findings: number;
  filesWithFindings: number;
  /** Files that could not be read or analysed, and rules that failed, each told to the log. */
  problems: number;
  cancelled: boolean;
}

/**
 * "Scan Workspace": checks every file of the workspace folders, not only the open ones, and
 * publishes the findings so they show in the Problems panel. Like the CLI, it parses, checks and
 * frees one file at a time, so WASM memory stays that of the largest file. A new scan first
 * clears what the previous one published.
 */
export class WorkspaceScan {
  private readonly published = new Set<string>();
  private running: Promise<ScanSummary> | undefined;

  constructor(
    private readonly engine: Engine,
    private readonly workspace: () => Promise<WorkspaceFacts>,
  ) {}

  /** Runs a scan; a second request while one runs gets the running one's result. */
  run(folders: readonly string[], host: ScanHost, isCancelled: () => boolean): Promise<ScanSummary> {
    this.running ??= this.scan(folders, host, isCancelled).finally(() => (this.running = undefined));
    return this.running;
  }

  /** Forgets a file's scan diagnostics when its document opens (the live ones replace them). */
  forget(uri: string): void {
    this.published.delete(uri);
  }

  private async scan(folders: readonly string[], host: ScanHost, isCancelled: () => boolean): Promise<ScanSummary> {
    const summary: ScanSummary = { files: 0, findings: 0, filesWithFindings: 0, problems: 0, cancelled: false };
    const { files, errors } = collectFiles(folders, process.cwd());
    for (const error of errors) host.log(`scan: ${error}`);
    // Cross-file rules need every file's facts: wait for the background index.
    const workspace = await this.workspace();
    const stale = new Set(this.published);
    const siblings = new SiblingLanguages();
    const settingsByFolder = new Map<string, (file: string) => DocumentSettings>();
    for (const [i, file] of files.entries()) {
      if (isCancelled()) {
        summary.cancelled = true;
        break;
      }
      host.progress(i, files.length, file);
      const uri = pathToFileURL(file).href;
      summary.files++;
      const live = host.openFindings(uri);
      if (live) {
        summary.findings += live.length;
        if (live.length > 0) summary.filesWithFindings++;
        continue;
      }
      const folder = folders.find((f) => file === f || file.startsWith(f + path.sep)) ?? path.dirname(file);
      let settingsOf = settingsByFolder.get(folder);
      if (!settingsOf) settingsByFolder.set(folder, (settingsOf = await host.settingsIn(folder)));
      const { settings, ignored } = settingsOf(file);
      if (ignored || !settings.enable) continue;
      const report = await analyzeFile(this.engine, file, settings, siblings, workspace);
      for (const message of [...report.notices, ...(report.error ? [report.error] : [])]) {
        summary.problems++;
        host.log(`scan: ${file}: ${message}`);
      }
      for (const failure of report.failures) {
        summary.problems++;
        host.log(`scan: ${file}: rule ${failure.ruleId} failed: ${failure.error}`);
      }
      stale.delete(uri);
      const problems = report.directiveProblems ?? [];
      const says = report.findings.length > 0 || problems.length > 0;
      if (says || this.published.has(uri)) host.publish(uri, report.findings, problems);
      if (says) {
        this.published.add(uri);
        summary.findings += report.findings.length;
        summary.filesWithFindings++;
      } else {
        this.published.delete(uri);
      }
      await nextTurn(); // answer other requests (and the cancellation) between files
    }
    if (!summary.cancelled) {
      for (const uri of stale) {
        if (!host.openFindings(uri)) host.publish(uri, [], []);
        this.published.delete(uri);
      }
    }
    host.progress(files.length, files.length, '');
    return summary;
  }
}
