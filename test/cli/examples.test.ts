import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { runCli } from '../../server/cli/main';
import { REPO_ROOT } from '../support/paths';

/** The rendered CLI lines for examples/, as a reviewed snapshot (UPDATE_SNAPSHOTS=1 rewrites). */
test('ffi-lens scan examples: the findings the examples README promises', async () => {
  let stdout = '';
  const status = await runCli(['scan', 'examples'], { stdout: (t) => (stdout += t), stderr: () => {}, cwd: REPO_ROOT });
  assert.equal(status, 1);
  const findings = stdout.split('\n').filter((line) => line.startsWith('examples/')).join('\n') + '\n';
  const snapshot = path.join(REPO_ROOT, 'test', 'snapshots', 'examples-scan.txt');
  if (process.env.UPDATE_SNAPSHOTS) fs.writeFileSync(snapshot, findings);
  assert.equal(findings, fs.readFileSync(snapshot, 'utf8'));
});
