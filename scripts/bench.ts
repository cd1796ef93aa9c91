import * as fs from 'node:fs';
import * as path from 'node:path';
import { scanFiles } from '../server/cli/scan-pool';
import { collectFiles } from '../server/cli/walk';
import { ALL_COLLECTORS } from '../server/collectors';
import { Engine, PARSE_TIMING } from '../server/engine/engine';
import { analyzeFile, indexWorkspace, SiblingLanguages } from '../server/engine/file-analysis';
import { DEFAULT_SETTINGS } from '../server/engine/settings';
import { projectFileNames } from '../server/engine/workspace';
import { ALL_RULES } from '../server/rules';

/**
 * `npm run bench [dir]`: scans a corpus of real bindings (default: ../corpus, built by
 * ../shared/corpus/assemble.sh) with one worker and with one per core, and prints throughput;
 * then, in one thread, where the time goes (index, parse, the slowest rules).
 */
async function main(): Promise<void> {
  const root = path.resolve(process.argv[2] ?? path.join(__dirname, '../../../corpus'));
  if (!fs.existsSync(root)) {
    process.stderr.write(`no corpus at ${root}: build one with ../shared/corpus/assemble.sh ${root}\n`);
    process.exitCode = 2;
    return;
  }
  const { files, projectFiles } = collectFiles([root], process.cwd(), projectFileNames(ALL_COLLECTORS));
  const bytes = files.reduce((sum, file) => sum + fs.statSync(file).size, 0);
  process.stdout.write(`corpus ${root}: ${files.length} files, ${(bytes / 1e6).toFixed(1)} MB\n`);
  for (const jobs of [1, 2]) {
    const started = process.hrtime.bigint();
    // the CLI's whole pipeline: the workspace index first, then the scan
    const workspace = indexWorkspace(files, ALL_COLLECTORS, DEFAULT_SETTINGS, new SiblingLanguages(), true, projectFiles);
    const reports = await scanFiles(files, { settings: DEFAULT_SETTINGS, jobs, log: () => {}, workspace });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const parsed = reports.filter((r) => r.parsed).length;
    const findings = reports.reduce((sum, r) => sum + r.findings.length, 0);
    process.stdout.write(
      `jobs=${jobs}: ${seconds.toFixed(2)} s, ${(bytes / 1e6 / seconds).toFixed(1)} MB/s, ${parsed} files parsed, ${findings} findings, ` +
        `rss ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB\n`,
    );
  }
  await profile(files, projectFiles);
}

/** Where one worker's time goes: indexing, parsing, and each rule (the 12 slowest). */
async function profile(files: readonly string[], projectFiles: readonly string[]): Promise<void> {
  const indexStarted = performance.now();
  const workspace = indexWorkspace(files, ALL_COLLECTORS, DEFAULT_SETTINGS, new SiblingLanguages(), true, projectFiles);
  const indexMs = performance.now() - indexStarted;
  const engine = new Engine(ALL_RULES);
  engine.timings = new Map();
  const siblings = new SiblingLanguages();
  const started = performance.now();
  for (const file of files) await analyzeFile(engine, file, DEFAULT_SETTINGS, siblings, workspace);
  const totalMs = performance.now() - started;
  engine.dispose();
  const rows = [...engine.timings].sort((a, b) => b[1] - a[1]);
  const ruleMs = rows.filter(([id]) => id !== PARSE_TIMING).reduce((sum, [, ms]) => sum + ms, 0);
  const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  process.stdout.write(
    `profile (one worker): index ${seconds(indexMs)}, scan ${seconds(totalMs)} = parse ${seconds(engine.timings.get(PARSE_TIMING) ?? 0)} + ` +
      `rules ${seconds(ruleMs)} + reading, decoding, triggers, suppressions\n`,
  );
  for (const [id, ms] of rows.filter(([id]) => id !== PARSE_TIMING).slice(0, 12)) {
    process.stdout.write(`  ${seconds(ms).padStart(8)}  ${id}\n`);
  }
}

void main();
