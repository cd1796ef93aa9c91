// Shared by the end-to-end tests: paths, an isolated home, free ports, process-group shutdown, check bookkeeping.
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const E2E_DIR = path.dirname(fileURLToPath(import.meta.url));
export const ROOT = path.resolve(E2E_DIR, '../..');
export const OUT_ROOT = process.env.E2E_OUT || path.join(E2E_DIR, 'out');
/** The fixture workspace: copied fresh for every run, since the editors edit (and may save) it. */
export const FIXTURE = path.join(E2E_DIR, 'workspace');
export const FIXTURE_FILE = 'binding.py';
export const RULE = 'ctypes/truncated-pointer-result';
export const FIX_LINE = 'lib.foo_name.restype = ctypes.c_void_p';

export function packageVersion() {
  return JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version;
}

/** A fresh output directory for one test, with HOME and XDG_* inside it so nothing is written to ~. */
export function freshOut(name) {
  const out = path.join(OUT_ROOT, name);
  fs.rmSync(out, { recursive: true, force: true });
  const home = path.join(out, 'home');
  const env = {
    HOME: home,
    XDG_CONFIG_HOME: path.join(home, '.config'),
    XDG_DATA_HOME: path.join(home, '.local/share'),
    XDG_STATE_HOME: path.join(home, '.local/state'),
    XDG_CACHE_HOME: path.join(home, '.cache'),
    XDG_RUNTIME_DIR: path.join(out, 'run'),
  };
  for (const dir of Object.values(env)) fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  return { out, env: { ...process.env, ...env } };
}

export function copyWorkspace(out) {
  const dir = path.join(out, 'workspace');
  fs.cpSync(FIXTURE, dir, { recursive: true });
  return dir;
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** SIGTERM a detached child's whole process group, SIGKILL it if it is still there after `graceMs`. */
export async function killGroup(child, graceMs = 5000) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const signal = (sig) => {
    try {
      process.kill(-child.pid, sig);
    } catch {
      // already gone
    }
  };
  signal('SIGTERM');
  if ((await Promise.race([exited.then(() => 'exited'), sleep(graceMs)])) !== 'exited') {
    signal('SIGKILL');
    await Promise.race([exited, sleep(2000)]);
  }
}

/** Named checks; later checks of a failed sequence are recorded as not run. */
export class Checks {
  constructor(suite) {
    this.suite = suite;
    this.results = [];
    this.t0 = Date.now();
  }
  elapsed() {
    return ((Date.now() - this.t0) / 1000).toFixed(1) + 's';
  }
  log(...args) {
    console.log(`[${this.suite} ${this.elapsed()}]`, ...args);
  }
  pass(name, detail = '') {
    this.results.push({ name, ok: true, detail });
    console.log(`  ok    ${this.suite}: ${name}${detail ? ` (${detail})` : ''}`);
  }
  fail(name, detail) {
    this.results.push({ name, ok: false, detail: String(detail) });
    console.log(`  FAIL  ${this.suite}: ${name}: ${detail}`);
  }
  /** Runs `fn`; a thrown error fails the check. Returns whether it passed. */
  async check(name, fn) {
    try {
      const detail = await fn();
      this.pass(name, typeof detail === 'string' ? detail : '');
      return true;
    } catch (error) {
      this.fail(name, error?.message ?? error);
      return false;
    }
  }
  notRun(names, why) {
    for (const name of names) if (!this.results.some((r) => r.name === name)) this.fail(name, `not run: ${why}`);
  }
  get failed() {
    return this.results.filter((r) => !r.ok).length;
  }
  get passed() {
    return this.results.filter((r) => r.ok).length;
  }
  /** Writes result.json (read by run.mjs) and prints this suite's own result line. */
  finish(out, extra = {}) {
    const result = { suite: this.suite, passed: this.passed, failed: this.failed, seconds: (Date.now() - this.t0) / 1000, checks: this.results, ...extra };
    fs.writeFileSync(path.join(out, 'result.json'), JSON.stringify(result, null, 2));
    console.log(`${this.suite}: ${this.passed} passed, ${this.failed} failed in ${this.elapsed()}`);
    return result;
  }
}

export function assert(condition, message) {
  if (!condition) throw new Error(message);
}

/** Monaco renders spaces as U+00A0 in the view lines; compare text with normal spaces. */
export const plain = (text) => String(text ?? '').replace(/\u00a0/g, ' ');
