import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { Engine } from '../engine/engine';
import { analyzeFile, SiblingLanguages, type FileReport } from '../engine/file-analysis';
import type { WorkspaceIndex } from '../engine/workspace';
import type { EngineSettings } from '../engine/settings';
import { ALL_RULES } from '../rules';

/** Below this many files a worker's start-up (its own grammar loads) costs more than it saves. */
const FILES_PER_WORKER_WORTH_STARTING = 24;

export interface ScanOptions {
  settings: EngineSettings;
  /** Settings for one file (its project config layered under `settings`); default: `settings`. */
  settingsFor?: (file: string) => EngineSettings;
  /** Upper bound on worker threads; defaults to the number of cores. */
  jobs?: number;
  log: (message: string) => void;
  /** What the whole scan's files state about each other (cross-file rules need it). */
  workspace?: WorkspaceIndex;
}

function sizeOf(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}

async function scanInProcess(files: readonly string[], options: ScanOptions): Promise<FileReport[]> {
  const engine = new Engine(ALL_RULES, { warn: options.log });
  const siblings = new SiblingLanguages();
  try {
    const reports: FileReport[] = [];
    for (const file of files) {
      reports.push(await analyzeFile(engine, file, options.settingsFor?.(file) ?? options.settings, siblings, options.workspace));
    }
    return reports;
  } finally {
    engine.dispose();
  }
}

type WorkerMessage = { kind: 'log'; message: string } | { kind: 'report'; index: number; report: FileReport };

/**
 * Feeds files to worker threads one at a time, largest first (so no worker is left alone with a
 * big file at the end). A worker that dies (e.g. its WASM heap is exhausted) costs only the file
 * it was on: that file gets a notice and a fresh worker takes over the rest.
 */
function scanWithWorkers(files: readonly string[], workers: number, options: ScanOptions): Promise<FileReport[]> {
  return new Promise((resolve) => {
    const reports: FileReport[] = new Array(files.length);
    const order = files.map((file, index) => ({ index, size: sizeOf(file) })).sort((a, b) => b.size - a.size);
    let next = 0;
    let done = 0;
    const finish = (index: number, report: FileReport) => {
      reports[index] = report;
      done++;
      if (done === files.length) resolve(reports);
    };
    const start = () => {
      const worker = new Worker(path.join(__dirname, 'scan-worker.js'), {
        workerData: { settings: options.settings, workspace: options.workspace?.snapshot() },
      });
      let current: number | undefined;
      const feed = () => {
        if (next < order.length) {
          current = order[next++].index;
          worker.postMessage({ index: current, file: files[current], settings: options.settingsFor?.(files[current]) });
        } else {
          current = undefined;
          worker.postMessage('close');
        }
      };
      worker.on('message', (message: WorkerMessage) => {
        if (message.kind === 'log') return options.log(message.message);
        finish(message.index, message.report);
        feed();
      });
      worker.on('error', (error) => {
        if (current === undefined) return;
        const crashed = current;
        current = undefined;
        finish(crashed, { file: files[crashed], findings: [], failures: [], notices: [`not analysed: the scan worker crashed on it (${error.message})`], parsed: false });
        if (done < files.length && next < order.length) start();
      });
      feed();
    };
    for (let i = 0; i < workers; i++) start();
  });
}

/** Analyses the files on up to one worker thread per core; reports come back in input order. */
export function scanFiles(files: readonly string[], options: ScanOptions): Promise<FileReport[]> {
  const cores = options.jobs ?? os.availableParallelism();
  const workers = Math.min(cores, Math.floor(files.length / FILES_PER_WORKER_WORTH_STARTING));
  return workers >= 2 ? scanWithWorkers(files, workers, options) : scanInProcess(files, options);
}
