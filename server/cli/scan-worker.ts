import { parentPort, workerData } from 'node:worker_threads';
import { Engine } from '../engine/engine';
import { analyzeFile, SiblingLanguages } from '../engine/file-analysis';
import type { EngineSettings } from '../engine/settings';
import { UNKNOWN_WORKSPACE, WorkspaceIndex } from '../engine/workspace';
import { ALL_RULES } from '../rules';

/** A scan worker: one engine (its own WASM heap), analysing the files the pool sends, one at a time. */
const { settings, workspace: snapshot } = workerData as {
  settings: EngineSettings;
  workspace?: Parameters<typeof WorkspaceIndex.fromSnapshot>[0];
};
const workspace = snapshot ? WorkspaceIndex.fromSnapshot(snapshot) : UNKNOWN_WORKSPACE;
const engine = new Engine(ALL_RULES, { warn: (message) => parentPort?.postMessage({ kind: 'log', message }) });
const siblings = new SiblingLanguages();

parentPort?.on('message', (message: { index: number; file: string; settings?: EngineSettings } | 'close') => {
  if (message === 'close') {
    engine.dispose();
    parentPort?.close();
    return;
  }
  analyzeFile(engine, message.file, message.settings ?? settings, siblings, workspace).then(
    (report) => parentPort?.postMessage({ kind: 'report', index: message.index, report }),
    (error: unknown) =>
      parentPort?.postMessage({
        kind: 'report',
        index: message.index,
        report: { file: message.file, findings: [], failures: [], notices: [`not analysed: ${String(error)}`], parsed: false },
      }),
  );
});
