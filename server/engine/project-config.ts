import * as fs from 'node:fs';
import * as path from 'node:path';
import ignore from 'ignore';
import { SEVERITIES } from './rule';
import { isRuleSetting, type EngineSettings, type RuleSetting } from './settings';
import { closestRuleId } from './suppressions';

/**
 * A project's own configuration, `.ffilens.json`, kept in the repository beside the code:
 *
 *   { "rules": { "jni/cached-env": "off", "cgo/call-in-loop": "error" },
 *     "ignore": ["third_party/", "**\/*.pb.c"] }
 *
 * A file is governed by the nearest `.ffilens.json` in its directory or above (the nearest one
 * wins whole; configs are not merged). `ignore` patterns use .gitignore syntax, relative to the
 * directory holding the config. Settings given closer to the user (command-line flags, editor
 * settings) are layered on top of the file's rules.
 */
export const PROJECT_CONFIG_FILE = '.ffilens.json';

const KEYS = ['$schema', 'rules', 'ignore'];

/** Matches paths against .gitignore-style patterns relative to a base directory. */
export class IgnoreMatcher {
  private readonly rules = ignore();

  constructor(
    readonly base: string,
    readonly patterns: readonly string[],
  ) {
    this.rules.add([...patterns]);
  }

  /** True when `file` (absolute) is under the base and a pattern excludes it or a parent directory. */
  ignores(file: string): boolean {
    if (this.patterns.length === 0) return false;
    const relative = path.relative(this.base, file);
    if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) return false;
    return this.rules.ignores(relative.split(path.sep).join('/'));
  }
}

export interface ProjectConfig {
  /** Absolute path of the `.ffilens.json`. */
  file: string;
  rules: Readonly<Record<string, RuleSetting>>;
  ignore: IgnoreMatcher;
  /** What was wrong with the file, one line each (the valid parts are still used). */
  problems: string[];
}

function jsonErrorWithLine(text: string, error: Error): string {
  const at = /at position (\d+)/.exec(error.message);
  if (!at) return error.message;
  const before = text.slice(0, Number(at[1]));
  const line = before.split('\n').length;
  const column = before.length - before.lastIndexOf('\n');
  return `${error.message.replace(/ in JSON at position \d+.*$/, '')} at line ${line}, column ${column}`;
}

/** Reads and validates a config's text; anything malformed becomes a problem, never an exception. */
export function parseProjectConfig(text: string, file: string, knownRuleIds: ReadonlySet<string>): ProjectConfig {
  const problems: string[] = [];
  const rules: Record<string, RuleSetting> = {};
  const patterns: string[] = [];
  let raw: unknown;
  try {
    raw = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    problems.push(`not valid JSON: ${jsonErrorWithLine(text, error as Error)}`);
  }
  if (raw !== undefined && (typeof raw !== 'object' || raw === null || Array.isArray(raw))) {
    problems.push('expected an object like { "rules": { … }, "ignore": [ … ] }');
  } else if (raw !== undefined) {
    const input = raw as Record<string, unknown>;
    for (const key of Object.keys(input)) {
      if (!KEYS.includes(key)) problems.push(`unknown key "${key}" (expected "rules" or "ignore")`);
    }
    if (input.rules !== undefined) {
      if (typeof input.rules !== 'object' || input.rules === null || Array.isArray(input.rules)) {
        problems.push('"rules" must be an object mapping rule ids to a level');
      } else {
        for (const [id, level] of Object.entries(input.rules as Record<string, unknown>)) {
          if (!knownRuleIds.has(id)) {
            const near = closestRuleId(id, knownRuleIds);
            problems.push(`rules: unknown rule "${id}"${near ? ` (did you mean "${near}"?)` : ''}; see \`ffi-lens rules\``);
          } else if (!isRuleSetting(level)) {
            problems.push(`rules."${id}": ${JSON.stringify(level)} is not a level; use "off", ${SEVERITIES.map((s) => `"${s}"`).join(', ')}`);
          } else rules[id] = level;
        }
      }
    }
    if (input.ignore !== undefined) {
      if (!Array.isArray(input.ignore)) problems.push('"ignore" must be an array of .gitignore-style patterns');
      else {
        input.ignore.forEach((pattern: unknown, index) => {
          if (typeof pattern === 'string' && pattern.trim() !== '') patterns.push(pattern);
          else problems.push(`ignore[${index}]: expected a non-empty pattern string, got ${JSON.stringify(pattern)}`);
        });
      }
    }
  }
  return { file, rules, ignore: new IgnoreMatcher(path.dirname(file), patterns), problems };
}

function mtimeOf(file: string): number {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return -1;
  }
}

/** The config's rules under the caller's own: flags and editor settings win over the file. */
export function withProjectRules(settings: EngineSettings, config: ProjectConfig | undefined): EngineSettings {
  return config && Object.keys(config.rules).length > 0 ? { ...settings, rules: { ...config.rules, ...settings.rules } } : settings;
}

/**
 * Finds and caches the config governing each directory. Reading is lazy and happens once per
 * directory until `invalidate()` (call it when a `.ffilens.json` is created, changed or deleted).
 */
export class ProjectConfigs {
  private readonly byDirectory = new Map<string, ProjectConfig | null>();
  private readonly byFile = new Map<string, ProjectConfig>();
  /** When each config file was read: its modification time (-1: it could not be read). */
  private readonly readAt = new Map<string, number>();

  constructor(private readonly knownRuleIds: ReadonlySet<string>) {}

  /** The nearest `.ffilens.json` at or above the directory of `file` (an absolute path). */
  forFile(file: string): ProjectConfig | undefined {
    return this.forDirectory(path.dirname(file));
  }

  forDirectory(directory: string): ProjectConfig | undefined {
    const visited: string[] = [];
    let found: ProjectConfig | null | undefined;
    for (let dir = directory; ; dir = path.dirname(dir)) {
      found = this.byDirectory.get(dir);
      if (found !== undefined) break;
      visited.push(dir);
      found = this.readIn(dir);
      if (found || path.dirname(dir) === dir) break;
    }
    for (const dir of visited) this.byDirectory.set(dir, found ?? null);
    return found ?? undefined;
  }

  /** True when the governing config's `ignore` patterns exclude `file`. */
  isIgnored(file: string): boolean {
    return this.forFile(file)?.ignore.ignores(file) ?? false;
  }

  /** Every config read so far (to report their problems once). */
  loaded(): ProjectConfig[] {
    return [...this.byFile.values()];
  }

  invalidate(): void {
    this.byDirectory.clear();
    this.byFile.clear();
    this.readAt.clear();
  }

  /**
   * For editors that cannot watch files: true when a config read before changed or vanished, or
   * one appeared in a directory between `file` and the config governing it. A few `stat`s.
   */
  changedOnDisk(file?: string): boolean {
    for (const [configFile, mtime] of this.readAt) if (mtimeOf(configFile) !== mtime) return true;
    if (!file) return false;
    const governing = this.byDirectory.get(path.dirname(file));
    if (governing === undefined) return false; // never looked up: nothing cached to be stale
    for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
      const candidate = path.join(dir, PROJECT_CONFIG_FILE);
      if (candidate === governing?.file) return false;
      if (mtimeOf(candidate) !== -1) return true;
      if (path.dirname(dir) === dir) return false;
    }
  }

  private readIn(directory: string): ProjectConfig | null {
    const file = path.join(directory, PROJECT_CONFIG_FILE);
    const mtime = mtimeOf(file);
    if (mtime !== -1) this.readAt.set(file, mtime);
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return null;
      const config: ProjectConfig = { file, rules: {}, ignore: new IgnoreMatcher(directory, []), problems: [`cannot be read: ${(error as Error).message}`] };
      this.byFile.set(file, config);
      return config;
    }
    const config = parseProjectConfig(text, file, this.knownRuleIds);
    this.byFile.set(file, config);
    return config;
  }
}
