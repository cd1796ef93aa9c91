import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import {
  CancellationTokenSource,
  ExecuteCommandRequest,
  WorkDoneProgress, type WorkDoneProgressBegin, type WorkDoneProgressEnd, type WorkDoneProgressReport } from 'vscode-languageserver-protocol/node';
import type { ScanSummary } from '../../server/lsp/workspace-scan';
import { TestClient } from '../support/lsp-client';

const HAZARD = 'import ctypes\nlib = ctypes.CDLL("libfoo.so")\nprint(ctypes.string_at(lib.foo_name()))\n';
const FIXED = 'import ctypes\nlib = ctypes.CDLL("libfoo.so")\nlib.foo_name.restype = ctypes.c_char_p\nprint(lib.foo_name())\n';

/** "Scan Workspace": every file of the folders, open or not, published with work-done progress. */
describe('language server: workspace scan', () => {
  const client = new TestClient();
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ffi-lens-scan-'));
  const file = (name: string) => path.join(root, name);
  const uriOf = (name: string) => pathToFileURL(file(name)).href;

  function scan(workDoneToken: string, token?: CancellationTokenSource) {
    const progress: (WorkDoneProgressBegin | WorkDoneProgressReport | WorkDoneProgressEnd)[] = [];
    const listener = client.connection.onProgress(WorkDoneProgress.type, workDoneToken, (value) => {
      progress.push(value);
    });
    const result = client.connection
      .sendRequest(ExecuteCommandRequest.type, { command: 'ffiLens.scanWorkspace', arguments: [], workDoneToken }, token?.token)
      .then((summary) => summary as ScanSummary)
      .finally(() => listener.dispose());
    return { result, progress };
  }

  before(async () => {
    fs.mkdirSync(file('java'), { recursive: true });
    fs.writeFileSync(file('closed.py'), HAZARD);
    fs.writeFileSync(file('opened.py'), HAZARD);
    fs.writeFileSync(file('clean.py'), FIXED);
    fs.writeFileSync(file('java/Codec.java'), 'package demo;\nclass Codec {\n  static { System.loadLibrary("codec"); }\n  native int encode(int x);\n  native int decode(int x);\n}\n');
    fs.writeFileSync(file('codec.c'), '#include <jni.h>\nJNIEXPORT jint JNICALL Java_demo_Codec_decode(JNIEnv *env, jobject self, jint x) { return x; }\n');
    await client.initialize({}, [pathToFileURL(root).href]);
  });
  after(async () => {
    await client.shutdown();
    fs.rmSync(root, { recursive: true, force: true });
  });

  test('publishes findings of closed files, cross-file ones included, and reports progress to the end', async () => {
    // open, and edited but unsaved: the scan counts its live findings and leaves its diagnostics alone
    const openedLive = client.nextDiagnostics(uriOf('opened.py'), (p) => p.diagnostics.length === 1);
    await client.connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri: uriOf('opened.py'), languageId: 'python', version: 1, text: `# edited\n${HAZARD}` },
    });
    await openedLive;
    const closed = client.nextDiagnostics(uriOf('closed.py'));
    const java = client.nextDiagnostics(uriOf('java/Codec.java'));
    const { result, progress } = scan('scan-1');
    const summary = await result;
    assert.deepEqual(summary, { files: 5, findings: 3, filesWithFindings: 3, problems: 0, cancelled: false });
    assert.deepEqual((await closed).diagnostics.map((d) => d.code), ['ctypes/truncated-pointer-result']);
    assert.deepEqual((await java).diagnostics.map((d) => d.code), ['jni/unimplemented-native']);
    assert.equal(progress[0].kind, 'begin');
    assert.equal((progress[0] as WorkDoneProgressBegin).cancellable, true);
    assert.equal(progress.at(-1)?.kind, 'end');
    assert.ok(progress.some((p) => p.kind === 'report' && p.percentage === 100), JSON.stringify(progress));
  });

  test('a rescan clears what the last one published once the file is fixed on disk', async () => {
    fs.writeFileSync(file('closed.py'), FIXED);
    const cleared = client.nextDiagnostics(uriOf('closed.py'), (p) => p.diagnostics.length === 0);
    const summary = await scan('scan-2').result;
    assert.equal(summary.findings, 2);
    await cleared;
  });

  test('cancelling stops the scan before it reaches every file', async () => {
    for (let i = 0; i < 300; i++) fs.writeFileSync(file(`many_${String(i).padStart(3, '0')}.py`), HAZARD);
    const source = new CancellationTokenSource();
    const { result } = scan('scan-3', source);
    setTimeout(() => source.cancel(), 50);
    const summary = await result.catch((error: { code?: number }) => ({ rejected: error.code }) as const);
    if ('rejected' in summary) assert.equal(summary.rejected, -32800); // RequestCancelled
    else {
      assert.equal(summary.cancelled, true);
      assert.ok(summary.files < 305, `scanned ${summary.files} files`);
    }
  });
});
