// Runs the end-to-end suites one after another, each in its own process group with a time limit, and ends with a plain
// `N passed, N failed` line (counting checks) alone on the last line; the exit code is non-zero if anything failed.
// Usage (after npm run package and test/e2e/setup.sh; `npm run test:e2e` does all of it): node test/e2e/run.mjs [suite...]
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { E2E_DIR, killGroup, OUT_ROOT } from './lib.mjs';

const SUITES = {
  neovim: { script: 'neovim.mjs', timeoutMs: 120_000 },
  'vscode-ui': { script: 'vscode-ui.mjs', timeoutMs: 360_000 },
};
const wanted = process.argv.slice(2);
for (const name of wanted) if (!SUITES[name]) throw new Error(`unknown suite ${name}; known: ${Object.keys(SUITES).join(', ')}`);
const names = wanted.length ? wanted : Object.keys(SUITES);

const t0 = Date.now();
let current;
let interrupted;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    interrupted = signal;
    console.log(`${signal}: stopping the running suite`);
    // the suite's own handler stops its editor; the timeout path and the .pgid sweep below catch the rest
    if (current) {
      try {
        process.kill(-current.pid, signal);
      } catch {
        // gone
      }
    }
  });
}

/** If a suite died without stopping its editor, stop the process group it recorded. */
function sweep(name) {
  const file = path.join(OUT_ROOT, name, 'code-server.pgid');
  if (!fs.existsSync(file)) return;
  const pgid = Number(fs.readFileSync(file, 'utf8'));
  try {
    process.kill(-pgid, 'SIGKILL');
    console.log(`${name}: stopped leftover process group ${pgid}`);
  } catch {
    // already gone (the normal case)
  }
}

let passed = 0;
let failed = 0;
for (const name of names) {
  const { script, timeoutMs } = SUITES[name];
  const resultFile = path.join(OUT_ROOT, name, 'result.json');
  fs.rmSync(resultFile, { force: true });
  fs.rmSync(path.join(OUT_ROOT, name, 'code-server.pgid'), { force: true }); // never signal a stale group id
  console.log(`\n=== ${name} (${script})`);
  const started = Date.now();
  const exit = await new Promise((resolve) => {
    current = spawn(process.execPath, [path.join(E2E_DIR, script)], { stdio: 'inherit', detached: true });
    const timer = setTimeout(async () => {
      console.log(`${name}: no result after ${timeoutMs / 1000} s, stopping it`);
      try {
        process.kill(-current.pid, 'SIGTERM'); // the suite's handler stops code-server / nvim
      } catch {
        // gone
      }
      await killGroup(current, 10_000);
    }, timeoutMs);
    current.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal });
    });
  });
  current = undefined;
  sweep(name);
  let result;
  try {
    result = JSON.parse(fs.readFileSync(resultFile, 'utf8'));
  } catch {
    result = { passed: 0, failed: 0 };
  }
  passed += result.passed;
  failed += result.failed;
  if (exit.code !== 0 && result.failed === 0) failed += 1; // crashed or timed out before reporting a failure
  console.log(`=== ${name}: ${exit.code === 0 ? 'PASS' : 'FAIL'} (${result.passed} passed, ${result.failed} failed, exit ${exit.code ?? exit.signal}, ${((Date.now() - started) / 1000).toFixed(1)} s)`);
  if (interrupted) break;
}
console.log(`\nend-to-end: ${((Date.now() - t0) / 1000).toFixed(1)} s; output, screenshots and logs in ${OUT_ROOT}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(interrupted ? 130 : failed ? 1 : 0);
