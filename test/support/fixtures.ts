import * as fs from 'node:fs';
import * as path from 'node:path';
import { ALL_COLLECTORS } from '../../server/collectors';
import { indexWorkspace, SiblingLanguages } from '../../server/engine/file-analysis';
import { isSupportedPath } from '../../server/engine/languages';
import { DEFAULT_SETTINGS } from '../../server/engine/settings';
import { projectFileNames, type WorkspaceIndex } from '../../server/engine/workspace';
import { FIXTURES } from './paths';

/** Every fixture source under test/fixtures, as a path relative to it, sorted. */
export function listFixtures(directory = FIXTURES): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (isSupportedPath(entry.name)) found.push(path.relative(FIXTURES, full));
    }
  };
  walk(directory);
  return found.sort();
}

/**
 * A fixture's workspace is its own directory: cross-file rules see the facts of the files beside
 * it (e.g. a Java class and the C that implements it), and nothing else.
 */
export function fixtureWorkspace(relative: string): WorkspaceIndex {
  const directory = path.dirname(path.join(FIXTURES, relative));
  const names = fs.readdirSync(directory);
  const projectNames = projectFileNames(ALL_COLLECTORS);
  const files = names.filter((name) => isSupportedPath(name)).map((name) => path.join(directory, name));
  const projectFiles = names.filter((name) => projectNames.has(name)).map((name) => path.join(directory, name));
  return indexWorkspace(files, ALL_COLLECTORS, DEFAULT_SETTINGS, new SiblingLanguages(), true, projectFiles);
}
