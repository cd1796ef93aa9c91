import * as path from 'node:path';

/** The repository root, whether this file runs from `test/` (ts) or `out/test/` (compiled). */
export const REPO_ROOT = path.resolve(__dirname, __dirname.includes(`${path.sep}out${path.sep}`) ? '../../..' : '../..');
export const FIXTURES = path.join(REPO_ROOT, 'test', 'fixtures');
