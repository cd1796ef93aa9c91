import * as fs from 'node:fs';
import * as path from 'node:path';
import ignore, { type Ignore } from 'ignore';
import { isSupportedPath } from '../engine/languages';

/** Directories that hold dependencies, VCS data or build output, never the project's own bindings. */
export const SKIPPED_DIRECTORIES = new Set([
  '.git', '.hg', '.svn', 'node_modules', 'target', 'vendor', 'build', 'dist', 'out', '__pycache__',
  '.venv', 'venv', '.tox', '.mypy_cache', '.gradle', '.idea', '.vscode-test', 'bazel-out',
]);

interface IgnoreScope {
  base: string;
  rules: Ignore;
}

export interface WalkResult {
  files: string[];
  /** Project files (`Cargo.toml`…) named in `projectFileNames`, found in the same walk. */
  projectFiles: string[];
  /** Paths given on the command line that do not exist or cannot be read. */
  errors: string[];
  /** Every path given was a directory: the files are a whole tree, not a pick. */
  onlyDirectories: boolean;
}

function readGitignore(directory: string): Ignore | undefined {
  try {
    return ignore().add(fs.readFileSync(path.join(directory, '.gitignore'), 'utf8'));
  } catch {
    return undefined;
  }
}

function isIgnored(scopes: readonly IgnoreScope[], fullPath: string, isDirectory: boolean): boolean {
  return scopes.some((scope) => {
    const relative = path.relative(scope.base, fullPath).split(path.sep).join('/');
    return relative !== '' && !relative.startsWith('..') && scope.rules.ignores(isDirectory ? `${relative}/` : relative);
  });
}

/** The .gitignore files of `directory`'s ancestors up to the repository root (the one with .git). */
function ancestorScopes(directory: string): IgnoreScope[] {
  const scopes: IgnoreScope[] = [];
  for (let dir = path.dirname(directory); ; dir = path.dirname(dir)) {
    const rules = readGitignore(dir);
    if (rules) scopes.unshift({ base: dir, rules });
    if (fs.existsSync(path.join(dir, '.git')) || path.dirname(dir) === dir) break;
  }
  return scopes;
}

/**
 * The source files under `paths` that FFI Lens reads, sorted. Directories are walked without
 * following symlinks, honouring every .gitignore on the way and skipping SKIPPED_DIRECTORIES; a
 * file named explicitly is always included when its language is supported.
 */
export function collectFiles(
  paths: readonly string[],
  cwd = process.cwd(),
  projectFileNames: ReadonlySet<string> = new Set(),
): WalkResult {
  const files = new Set<string>();
  const projectFiles = new Set<string>();
  const errors: string[] = [];
  let onlyDirectories = true;
  const walk = (directory: string, inherited: IgnoreScope[]) => {
    const own = readGitignore(directory);
    const scopes = own ? [...inherited, { base: directory, rules: own }] : inherited;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(directory, { withFileTypes: true });
    } catch (error) {
      errors.push(`${directory}: ${(error as Error).message}`);
      return;
    }
    for (const entry of entries) {
      const full = path.join(directory, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRECTORIES.has(entry.name) && !isIgnored(scopes, full, true)) walk(full, scopes);
      } else if (entry.isFile() && isSupportedPath(entry.name) && !isIgnored(scopes, full, false)) {
        files.add(full);
      } else if (entry.isFile() && projectFileNames.has(entry.name) && !isIgnored(scopes, full, false)) {
        projectFiles.add(full);
      }
    }
  };
  for (const given of paths) {
    const full = path.resolve(cwd, given);
    let stat: fs.Stats;
    try {
      stat = fs.statSync(full);
    } catch (error) {
      errors.push(`${given}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (error as Error).message}`);
      continue;
    }
    if (stat.isDirectory()) {
      // A directory named explicitly (a workspace folder, a scan root) is scanned even when an
      // enclosing repository ignores it, as a file named explicitly is; its own .gitignores count.
      const ancestors = ancestorScopes(full);
      walk(full, isIgnored(ancestors, full, true) ? [] : ancestors);
    }
    else {
      onlyDirectories = false;
      if (isSupportedPath(full)) files.add(full);
    }
  }
  return { files: [...files].sort(), projectFiles: [...projectFiles].sort(), errors, onlyDirectories };
}
