import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import type { CodeAction, Diagnostic, Hover } from 'vscode-languageserver-protocol/node';
import { TestClient } from '../support/lsp-client';

const RULE = 'ctypes/truncated-pointer-result';
const uri = pathToFileURL('/virtual/project/binding.py').href;
const SOURCE = `import ctypes

lib = ctypes.CDLL("libfoo.so")
name = ctypes.string_at(lib.foo_name(3))
size = lib.foo_size()
`;

describe('language server over stdio', () => {
  const client = new TestClient();
  let first: Diagnostic;

  before(async () => {
    await client.initialize();
  });
  after(async () => {
    assert.equal(await client.shutdown(), 0, 'the server exits cleanly after shutdown + exit');
  });

  test('publishes diagnostics on open, with source, code, codeDescription and data', async () => {
    const published = client.nextDiagnostics(uri);
    await client.connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri, languageId: 'python', version: 1, text: SOURCE },
    });
    const { diagnostics, version } = await published;
    assert.equal(version, 1);
    assert.equal(diagnostics.length, 1);
    first = diagnostics[0];
    assert.equal(first.source, 'ffi-lens');
    assert.equal(first.code, RULE);
    assert.deepEqual(first.range, { start: { line: 3, character: 24 }, end: { line: 3, character: 36 } });
    assert.match(first.message as string, /`lib\.foo_name` returns a pointer/);
    assert.deepEqual(first.data, { ruleId: RULE, questions: [14, 7, 33] });
    const page = fileURLToPath(first.codeDescription!.href);
    assert.ok(fs.existsSync(page), `codeDescription.href points at an existing page: ${page}`);
  });

  test('hover over the diagnostic explains it and links the question', async () => {
    const hover = (await client.connection.sendRequest('textDocument/hover', {
      textDocument: { uri },
      position: { line: 3, character: 30 },
    })) as Hover;
    const markdown = (hover.contents as { kind: string; value: string }).value;
    assert.match(markdown, /ctypes\/truncated-pointer-result/);
    assert.match(markdown, /\[Q14: [^\]]+\]\(file:\/\/[^)]+\/content\/questions\/Q14\.md\)/);
    const nothing = await client.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 2 } });
    assert.equal(nothing, null, 'no hover away from findings');
  });

  test('code actions: the quick fix, "Open related interview question" and the two ways to disable the rule', async () => {
    const actions = (await client.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri },
      range: first.range,
      context: { diagnostics: [first] },
    })) as CodeAction[];
    const titles = actions.map((a) => a.title);
    assert.deepEqual(titles, [
      'Declare lib.foo_name.restype = ctypes.c_void_p',
      'Open related interview question (Q14)',
      `Disable ${RULE} for this line`,
      `Disable ${RULE} in .ffilens.json`,
    ]);
    assert.equal(actions[0].isPreferred, true);
    assert.deepEqual(actions[0].edit?.changes?.[uri], [
      { range: { start: { line: 2, character: 30 }, end: { line: 2, character: 30 } }, newText: '\nlib.foo_name.restype = ctypes.c_void_p' },
    ]);
    assert.deepEqual(actions[1].command, { title: titles[1], command: 'ffiLens.openQuestion', arguments: [14] });
  });

  test('ffiLens.openQuestion asks the client to show the question page', async () => {
    await client.connection.sendRequest('workspace/executeCommand', { command: 'ffiLens.openQuestion', arguments: [14] });
    assert.equal(client.shownDocuments.length, 1);
    assert.match(client.shownDocuments[0], /\/content\/questions\/Q14\.md$/);
  });

  test('an incremental edit re-checks the document', async () => {
    const published = client.nextDiagnostics(uri, (p) => p.version === 2);
    await client.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: 2 },
      contentChanges: [{ range: { start: { line: 3, character: 0 }, end: { line: 3, character: 0 } }, text: 'lib.foo_name.restype = ctypes.c_char_p\n' }],
    });
    const { diagnostics } = await published;
    assert.deepEqual(diagnostics, [], 'declaring restype clears the finding');
    const again = client.nextDiagnostics(uri, (p) => p.version === 3);
    await client.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: 3 },
      contentChanges: [{ range: { start: { line: 3, character: 0 }, end: { line: 4, character: 0 } }, text: '' }],
    });
    assert.equal((await again).diagnostics.length, 1, 'removing the declaration brings it back');
  });

  test('a configuration change is applied live: off, another severity, disabled, enabled', async () => {
    const reconfigure = async (settings: Record<string, unknown>, expectCount: number) => {
      client.settings = settings;
      const published = client.nextDiagnostics(uri, (p) => p.diagnostics.length === expectCount);
      await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
      return (await published).diagnostics;
    };
    await reconfigure({ enable: true, rules: { [RULE]: 'off' } }, 0);
    assert.equal((await reconfigure({ enable: true, rules: { [RULE]: 'warning' } }, 1))[0].severity, 2);
    await reconfigure({ enable: false, rules: {} }, 0);
    assert.equal((await reconfigure({ enable: true, rules: {} }, 1))[0].severity, 1);
  });

  test('closing the document clears its diagnostics', async () => {
    const cleared = client.nextDiagnostics(uri);
    await client.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
    assert.deepEqual((await cleared).diagnostics, []);
  });

  test('a binary document gets a clear message and no crash', async () => {
    const binaryUri = pathToFileURL('/virtual/project/blob.c').href;
    const published = client.nextDiagnostics(binaryUri);
    await client.connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri: binaryUri, languageId: 'c', version: 1, text: '#include <jni.h>\n\0\0\0JNIEnv *g;' },
    });
    assert.deepEqual((await published).diagnostics, []);
    assert.ok(client.messages.some((m) => /skipped blob\.c: it looks binary/.test(m)), client.messages.join('\n'));
  });
});

describe('language server: cross-file rules over the workspace folders', () => {
  const client = new TestClient();
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ffi-lens-ws-'));
  const javaFile = path.join(root, 'java', 'Codec.java');
  const cFile = path.join(root, 'jni', 'codec.c');
  const javaUri = pathToFileURL(javaFile).href;
  const cUri = pathToFileURL(cFile).href;
  const C = '#include <jni.h>\nJNIEXPORT jint JNICALL Java_demo_Codec_encode(JNIEnv *env, jobject self, jint x) { return x; }\n';

  before(async () => {
    fs.mkdirSync(path.dirname(javaFile), { recursive: true });
    fs.mkdirSync(path.dirname(cFile), { recursive: true });
    fs.writeFileSync(javaFile, 'package demo;\nclass Codec {\n  native int encode(int x);\n  native int decode(int x);\n}\n');
    fs.writeFileSync(cFile, C);
    await client.initialize({}, [pathToFileURL(root).href]);
  });
  after(async () => {
    await client.shutdown();
    fs.rmSync(root, { recursive: true, force: true });
  });

  test('a native method without C implementation is found once the workspace is indexed', async () => {
    const published = client.nextDiagnostics(javaUri, (p) => p.diagnostics.length > 0);
    await client.connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri: javaUri, languageId: 'java', version: 1, text: fs.readFileSync(javaFile, 'utf8') },
    });
    const { diagnostics } = await published;
    assert.deepEqual(diagnostics.map((d) => [d.code, d.range.start.line]), [['jni/unimplemented-native', 3]]);
  });

  test('a C file changed on disk (a file watcher says so) updates the Java diagnostic', async () => {
    const implementedOnDisk = client.nextDiagnostics(javaUri, (p) => p.diagnostics.length === 0);
    fs.writeFileSync(cFile, `${C}JNIEXPORT jint JNICALL Java_demo_Codec_decode(JNIEnv *env, jobject self, jint x) { return x; }\n`);
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: cUri, type: 2 }] });
    await implementedOnDisk;
    const missingAgain = client.nextDiagnostics(javaUri, (p) => p.diagnostics.length === 1);
    fs.writeFileSync(cFile, C);
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: cUri, type: 2 }] });
    await missingAgain;
  });

  test('implementing it in an open C document clears the Java diagnostic, unsaved', async () => {
    const cleared = client.nextDiagnostics(javaUri, (p) => p.diagnostics.length === 0);
    await client.connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri: cUri, languageId: 'c', version: 1, text: C },
    });
    await client.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri: cUri, version: 2 },
      contentChanges: [{ text: `${C}JNIEXPORT jint JNICALL Java_demo_Codec_decode(JNIEnv *env, jobject self, jint x) { return x; }\n` }],
    });
    await cleared;
  });
});

describe('language server: package.json is checked, other JSON files are not', () => {
  const client = new TestClient();
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ffi-lens-npm-'));
  const MANIFEST = '{\n  "name": "addon",\n  "version": "1.0.0",\n  "dependencies": { "nan": "^2.19.0" }\n}\n';
  const manifestUri = pathToFileURL(path.join(root, 'package.json')).href;
  const otherUri = pathToFileURL(path.join(root, 'tsconfig.json')).href;

  before(async () => {
    fs.writeFileSync(path.join(root, 'package.json'), MANIFEST);
    fs.writeFileSync(path.join(root, 'binding.gyp'), '{ "targets": [ { "target_name": "addon", "sources": ["addon.cc"] } ] }\n');
    await client.initialize({}, [pathToFileURL(root).href]);
  });
  after(async () => {
    await client.shutdown();
    fs.rmSync(root, { recursive: true, force: true });
  });

  test('an addon package.json beside its binding.gyp gets napi/no-prebuild-matrix; tsconfig.json gets nothing', async () => {
    const published = client.nextDiagnostics(manifestUri, (p) => p.diagnostics.length > 0);
    await client.connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri: otherUri, languageId: 'json', version: 1, text: MANIFEST },
    });
    await client.connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri: manifestUri, languageId: 'json', version: 1, text: MANIFEST },
    });
    const { diagnostics } = await published;
    assert.deepEqual(diagnostics.map((d) => [d.code, d.range.start.line]), [['napi/no-prebuild-matrix', 1]]);
    assert.deepEqual(client.published(otherUri), [], 'a JSON file not named package.json is never checked');
  });
});
