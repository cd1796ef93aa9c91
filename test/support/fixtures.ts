import * as fs from 'node:fs';
import * as path from 'node:path';
import { isSupportedPath } from '../../server/engine/languages';
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
