import * as fs from 'node:fs';
import * as path from 'node:path';

let cached: string | undefined;

/**
 * FFI Lens's version, from the nearest `package.json` named ffi-lens above this file: out/server/
 * when run from the build, dist/ when run from the bundled extension.
 */
export function productVersion(): string {
  if (cached) return cached;
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    try {
      const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (manifest.name === 'ffi-lens' && manifest.version) return (cached = manifest.version);
    } catch {
      // no manifest here: look further up
    }
    if (path.dirname(dir) === dir) return (cached = '0.0.0-unknown');
  }
}
