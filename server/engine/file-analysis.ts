import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Engine } from './engine';
import type { Finding, RuleFailure } from './findings';
import { decodeSource } from './input';
import { CPP_SOURCE_EXTENSIONS, detectLanguage, extensionOf } from './languages';
import type { EngineSettings } from './settings';
import type { DirectiveProblem, SuppressedFinding } from './suppressions';
import { UNKNOWN_WORKSPACE, WorkspaceIndex, type FactCollector, type WorkspaceFacts } from './workspace';

/** What analysing one file on disk produced. */
export interface FileReport {
  file: string;
  findings: Finding[];
  failures: RuleFailure[];
  /** Why the file was skipped or read lossily; shown to the user, never fatal. */
  notices: string[];
  /** The file could not be read at all. */
  error?: string;
  /** Malformed suppression comments in the file (unknown rule ids…). */
  directiveProblems?: DirectiveProblem[];
  /** Findings silenced by suppression comments. */
  suppressed?: SuppressedFinding[];
  parsed: boolean;
}

/** Answers "does this directory hold C++ sources?" once per directory. */
export class SiblingLanguages {
  private readonly cppDirectories = new Map<string, boolean>();

  hasCppSources(directory: string): boolean {
    let answer = this.cppDirectories.get(directory);
    if (answer === undefined) {
      try {
        answer = fs.readdirSync(directory).some((name) => CPP_SOURCE_EXTENSIONS.includes(extensionOf(name)));
      } catch {
        answer = false;
      }
      this.cppDirectories.set(directory, answer);
    }
    return answer;
  }
}

/** Reads, decodes and analyses one file; the tree is freed before this returns. */
export async function analyzeFile(
  engine: Engine,
  file: string,
  settings: EngineSettings,
  siblings: SiblingLanguages,
  workspace: WorkspaceFacts = UNKNOWN_WORKSPACE,
): Promise<FileReport> {
  const report: FileReport = { file, findings: [], failures: [], notices: [], parsed: false };
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (error) {
    return { ...report, error: (error as Error).message };
  }
  const decoded = decodeSource(bytes, settings.maxFileBytes);
  if ('skip' in decoded) return { ...report, notices: [decoded.skip] };
  if (decoded.notice) report.notices.push(decoded.notice);
  const language = detectLanguage(file, decoded.text, () => siblings.hasCppSources(path.dirname(file)));
  if (!language) return report;
  try {
    const result = await engine.analyzeText(file, language, decoded.text, settings, workspace);
    return {
      ...report,
      findings: result.findings,
      failures: result.failures,
      parsed: result.parsed,
      ...(result.directiveProblems.length > 0 ? { directiveProblems: result.directiveProblems } : {}),
      ...(result.suppressed.length > 0 ? { suppressed: result.suppressed } : {}),
    };
  } catch (error) {
    return { ...report, notices: [...report.notices, `not analysed: ${(error as Error).message}`] };
  }
}

/**
 * Reads what every file states about the workspace (no parsing: collectors look at text). Files
 * that cannot be read or decoded state nothing; the scan reports them when it reaches them.
 */
export function indexWorkspace(
  files: readonly string[],
  collectors: readonly FactCollector[],
  settings: EngineSettings,
  siblings: SiblingLanguages,
  complete = true,
  projectFiles: readonly string[] = [],
): WorkspaceIndex {
  const index = new WorkspaceIndex(collectors);
  for (const file of projectFiles) {
    try {
      index.update(file, undefined, fs.readFileSync(file, 'utf8'));
    } catch {
      // unreadable project files state nothing
    }
  }
  for (const file of files) {
    let bytes: Buffer;
    try {
      bytes = fs.readFileSync(file);
    } catch {
      continue;
    }
    const decoded = decodeSource(bytes, settings.maxFileBytes);
    if ('skip' in decoded) continue;
    const language = detectLanguage(file, decoded.text, () => siblings.hasCppSources(path.dirname(file)));
    if (language) index.update(file, language, decoded.text);
  }
  if (complete) index.markComplete();
  return index;
}
