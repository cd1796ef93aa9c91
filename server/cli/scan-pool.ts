import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { Engine } from '../engine/engine';
import { analyzeFile, SiblingLanguages, type FileReport } from '../engine/file-analysis';
import type { EngineSettings } from '../engine/settings';
import { ALL_RULES } from '../rules';

/** Below this many files a worker's start-up (its own grammar loads) costs more than it saves. */
const FILES_PER_WORKER_WORTH_STARTING = 24;

export interface ScanOptions {
  settings: EngineSettings;
  /** Upper bound on worker threads; defaults to the number of cores. */
  jobs?: number;
  log: (message: string) => void;
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
    for (const file of files) reports.push(await analyzeFile(engine, file, options.settings, siblings));
    return reports;
  } finally {
    engine.dispose();
  }
}

function scanWithWorkers(files: readonly string[], workers: number, options: ScanOptions): Promise<FileReport[]> {
  return new Promise((resolve, reject) => {
    const reports: FileReport[] = new Array(files.length);
    // Largest first, so no worker is left alone with a big file at the end.
    const order = files.map((file, index) => ({ index, size: sizeOf(file) })).sort((a, b) => b.size - a.size);
    let next = 0;
    let done = 0;
    const pool: Worker[] = [];
    const feed = (worker: Worker) => {
      if (next < order.length) {
        const { index } = order[next];
        worker.postMessage({ index, file: files[index] });
        next++;
      } else {
        worker.postMessage('close');
      }
    };
    for (let i = 0; i < workers; i++) {
      const worker = new Worker(path.join(__dirname, 'scan-worker.js'), { workerData: { settings: options.settings } });
      pool.push(worker);
      worker.on('message', (message: { kind: 'log'; message: string } | { kind: 'report'; index: number; report: FileReport }) => {
        if (message.kind === 'log') return options.log(message.message);
        reports[message.index] = message.report;
        done++;
        if (done === files.length) resolve(reports);
        feed(worker);
      });
      worker.on('error', (error) => {
        for (const other of pool) void other.terminate();
        reject(error);
      });
      feed(worker);
    }
  });
}

/** Analyses the files on up to one worker thread per core; reports come back in input order. */
export function scanFiles(files: readonly string[], options: ScanOptions): Promise<FileReport[]> {
  const cores = options.jobs ?? os.availableParallelism();
  const workers = Math.min(cores, Math.floor(files.length / FILES_PER_WORKER_WORTH_STARTING));
  return workers >= 2 ? scanWithWorkers(files, workers, options) : scanInProcess(files, options);
}
