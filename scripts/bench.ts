import * as fs from 'node:fs';
import * as path from 'node:path';
import { scanFiles } from '../server/cli/scan-pool';
import { collectFiles } from '../server/cli/walk';
import { ALL_COLLECTORS } from '../server/collectors';
import { indexWorkspace, SiblingLanguages } from '../server/engine/file-analysis';
import { DEFAULT_SETTINGS } from '../server/engine/settings';
import { projectFileNames } from '../server/engine/workspace';

/**
 * `npm run bench [dir]`: scans a corpus of real bindings (default: ../corpus, built by
 * ../shared/corpus/assemble.sh) with one worker and with one per core, and prints throughput.
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
}

void main();
