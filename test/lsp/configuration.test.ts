import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import type { CodeAction, Diagnostic, InitializeResult, WorkspaceEdit } from 'vscode-languageserver-protocol/node';
import { TestClient } from '../support/lsp-client';

const RULE = 'ctypes/truncated-pointer-result';
const SOURCE = `import ctypes

lib = ctypes.CDLL("libfoo.so")
def name():
    return ctypes.string_at(lib.foo_name(3))
`;

async function eventually<T>(probe: () => T | undefined, timeoutMs = 5000): Promise<T | undefined> {
  for (let waited = 0; waited < timeoutMs; waited += 20) {
    const value = probe();
    if (value) return value;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return probe();
}

/** A workspace folder on disk, with the files given, deleted after the suite. */
function workspaceFolder(files: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ffi-lens-config-ws-'));
  for (const [relative, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, relative)), { recursive: true });
    fs.writeFileSync(path.join(root, relative), text);
  }
  return root;
}

async function open(client: TestClient, uri: string, text = SOURCE, predicate: (d: Diagnostic[]) => boolean = () => true) {
  const published = client.nextDiagnostics(uri, (p) => predicate(p.diagnostics));
  await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'python', version: 1, text } });
  return (await published).diagnostics;
}

describe('language server: suppression code actions', () => {
  const client = new TestClient();
  const uri = pathToFileURL('/virtual/project/suppress.py').href;
  let diagnostic: Diagnostic;
  let initialized: InitializeResult;

  before(async () => {
    initialized = (await client.initialize()) as InitializeResult;
    [diagnostic] = await open(client, uri);
  });
  after(async () => {
    await client.shutdown();
  });

  test('the server runs ffiLens.disableRule itself unless the client says it edits its own settings', () => {
    assert.deepEqual(initialized.capabilities.executeCommandProvider?.commands, ['ffiLens.openQuestion', 'ffiLens.disableRule', 'ffiLens.scanWorkspace']);
  });

  test('"Disable <rule> for this line" inserts an indented comment above, and applying it clears the diagnostic', async () => {
    const actions = (await client.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri },
      range: diagnostic.range,
      context: { diagnostics: [diagnostic] },
    })) as CodeAction[];
    const disable = actions.find((a) => a.title === `Disable ${RULE} for this line`);
    assert.ok(disable, actions.map((a) => a.title).join('\n'));
    assert.equal(disable.kind, 'quickfix');
    assert.notEqual(disable.isPreferred, true, 'silencing is never the preferred fix');
    const [edit] = disable.edit!.changes![uri];
    assert.deepEqual(edit, {
      range: { start: { line: 4, character: 0 }, end: { line: 4, character: 0 } },
      newText: `    # ffi-lens-disable-next-line ${RULE}\n`,
    });
    const cleared = client.nextDiagnostics(uri, (p) => p.version === 2);
    await client.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ range: edit.range, text: edit.newText }] });
    assert.deepEqual((await cleared).diagnostics, []);
  });

  test('a misspelt rule id in a directive is a warning diagnostic whose quick fix writes the id meant', async () => {
    const at = `    # ffi-lens-disable-next-line ctypes/truncated-`.length;
    const published = client.nextDiagnostics(uri, (p) => p.version === 3);
    await client.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: 3 },
      contentChanges: [{ range: { start: { line: 4, character: at }, end: { line: 4, character: at + 'pointer'.length } }, text: 'pointr' }],
    });
    const diagnostics = (await published).diagnostics;
    assert.deepEqual(diagnostics.map((d) => [d.code, d.severity, d.range.start.line]), [
      [RULE, 1, 5],
      ['invalid-suppression', 2, 4],
    ]);
    assert.match(diagnostics[1].message as string, /unknown rule "ctypes\/truncated-pointr-result" .*did you mean "ctypes\/truncated-pointer-result"/);
    const actions = (await client.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri },
      range: diagnostics[1].range,
      context: { diagnostics: [diagnostics[1]] },
    })) as CodeAction[];
    assert.deepEqual(
      actions.map((a) => [a.title, a.isPreferred, a.edit?.changes?.[uri]]),
      [[`Change to ${RULE}`, true, [{ range: diagnostics[1].range, newText: RULE }]]],
    );
    const fixed = client.nextDiagnostics(uri, (p) => p.version === 4);
    await client.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: 4 },
      contentChanges: [{ range: diagnostics[1].range, text: RULE }],
    });
    assert.deepEqual((await fixed).diagnostics, []);
  });
});

describe('language server: .ffilens.json and ffiLens.ignore', () => {
  const client = new TestClient();
  const root = workspaceFolder({
    '.ffilens.json': JSON.stringify({ rules: { [RULE]: 'off' }, ignore: ['generated/'] }),
    'app/binding.py': SOURCE,
    'generated/binding.py': SOURCE,
    'vendored/binding.py': SOURCE,
  });
  const configFile = path.join(root, '.ffilens.json');
  const appUri = pathToFileURL(path.join(root, 'app', 'binding.py')).href;
  const configChanged = () =>
    client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(configFile).href, type: 2 }] });

  before(async () => {
    await client.initialize({}, [pathToFileURL(root).href]);
  });
  after(async () => {
    await client.shutdown();
    fs.rmSync(root, { recursive: true, force: true });
  });

  test('the server watches .ffilens.json files, project files and sources', async () => {
    const watcher = await eventually(() => client.registrations.find((r) => r.method === 'workspace/didChangeWatchedFiles'));
    const globs = (watcher?.registerOptions as { watchers: { globPattern: string }[] }).watchers.map((w) => w.globPattern);
    assert.equal(globs[0], '**/.ffilens.json');
    for (const glob of ['**/Cargo.toml', '**/binding.gyp', '**/package.json']) assert.ok(globs.includes(glob), globs.join(' '));
    assert.ok(globs.some((g) => /^\*\*\/\*\.\{.*\bjava\b.*\bcpp\b.*\}$/.test(g)), globs.join(' '));
  });

  test('the project config turns the rule off; a change to it is picked up from the watcher', async () => {
    assert.deepEqual(await open(client, appUri), []);
    const published = client.nextDiagnostics(appUri, (p) => p.diagnostics.length === 1);
    fs.writeFileSync(configFile, JSON.stringify({ rules: { [RULE]: 'hint' }, ignore: ['generated/'] }));
    await configChanged();
    assert.equal((await published).diagnostics[0].severity, 4);
  });

  test('editor settings (ffiLens.rules) are layered on top of the project config', async () => {
    client.settings = { enable: true, rules: { [RULE]: 'warning' } };
    const published = client.nextDiagnostics(appUri, (p) => p.diagnostics[0]?.severity === 2);
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
    await published;
  });

  test('files ignored by the project config or by ffiLens.ignore get no diagnostics', async () => {
    assert.deepEqual(await open(client, pathToFileURL(path.join(root, 'generated', 'binding.py')).href), []);
    const vendored = pathToFileURL(path.join(root, 'vendored', 'binding.py')).href;
    assert.equal((await open(client, vendored)).length, 1);
    client.settings = { enable: true, rules: {}, ignore: ['vendored/'] };
    const cleared = client.nextDiagnostics(vendored, (p) => p.diagnostics.length === 0);
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
    await cleared;
  });

  test('a broken config is reported, naming the file and the mistake; the server keeps going', async () => {
    fs.writeFileSync(configFile, '{ "rules": { "ctypes/truncated-pointr-result": "off" }, }');
    await configChanged();
    const told = await eventually(() => client.messages.find((m) => m.includes(configFile) && m.includes('not valid JSON')));
    assert.ok(told, client.messages.join('\n'));
    assert.equal((await open(client, pathToFileURL(path.join(root, 'app', 'other.py')).href)).length, 1, 'files are still checked');
  });

  test('"Disable <rule> in .ffilens.json" edits the governing config through workspace/applyEdit', async () => {
    fs.writeFileSync(configFile, `${JSON.stringify({ ignore: ['generated/'] }, null, 2)}\n`);
    client.settings = { enable: true, rules: {} };
    const fired = client.nextDiagnostics(appUri, (p) => p.diagnostics.length === 1);
    await configChanged();
    const [diagnostic] = (await fired).diagnostics;
    const actions = (await client.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri: appUri },
      range: diagnostic.range,
      context: { diagnostics: [diagnostic] },
    })) as CodeAction[];
    const disable = actions.find((a) => a.title === `Disable ${RULE} in .ffilens.json`);
    assert.deepEqual(disable?.command, { title: disable?.title, command: 'ffiLens.disableRule', arguments: [RULE, appUri] });
    await client.connection.sendRequest('workspace/executeCommand', { command: disable!.command!.command, arguments: disable!.command!.arguments });
    const edit = client.appliedEdits.at(-1) as WorkspaceEdit;
    const [change] = edit.changes![pathToFileURL(configFile).href];
    assert.deepEqual(JSON.parse(change.newText), { ignore: ['generated/'], rules: { [RULE]: 'off' } });
    // The editor saves the edit; the watcher reports it; the diagnostic goes.
    fs.writeFileSync(configFile, change.newText);
    const cleared = client.nextDiagnostics(appUri, (p) => p.diagnostics.length === 0);
    await configChanged();
    await cleared;
  });
});

describe('language server: ignored files state no cross-file facts', () => {
  const client = new TestClient();
  const C = '#include <jni.h>\nJNIEXPORT jint JNICALL Java_demo_Codec_encode(JNIEnv *env, jobject self, jint x) { return x; }\n';
  const root = workspaceFolder({
    'java/Codec.java': 'package demo;\nclass Codec {\n  static { System.loadLibrary("codec"); }\n  native int encode(int x);\n  native int decode(int x);\n}\n',
    'jni/decode.c': C.replace('encode', 'decode'),
    'stale/encode.c': C,
  });
  const javaFile = path.join(root, 'java', 'Codec.java');
  const javaUri = pathToFileURL(javaFile).href;

  before(async () => {
    client.settings = { enable: true, rules: {}, ignore: ['stale/'] };
    await client.initialize({}, [pathToFileURL(root).href]);
  });
  after(async () => {
    await client.shutdown();
    fs.rmSync(root, { recursive: true, force: true });
  });

  test('the C implementing a native method in an ignored folder does not count; un-ignoring it re-indexes', async () => {
    const published = client.nextDiagnostics(javaUri, (p) => p.diagnostics.some((d) => d.code === 'jni/unimplemented-native'));
    await client.connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri: javaUri, languageId: 'java', version: 1, text: fs.readFileSync(javaFile, 'utf8') },
    });
    assert.deepEqual((await published).diagnostics.map((d) => d.code), ['jni/unimplemented-native']);
    client.settings = { enable: true, rules: {}, ignore: [] };
    const cleared = client.nextDiagnostics(javaUri, (p) => p.diagnostics.length === 0);
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
    await cleared;
  });
});

describe('language server: a client that cannot watch files', () => {
  const client = new TestClient();
  const root = workspaceFolder({ '.ffilens.json': JSON.stringify({ rules: { [RULE]: 'off' } }), 'src/binding.py': SOURCE });
  const uri = pathToFileURL(path.join(root, 'src', 'binding.py')).href;

  before(async () => {
    await client.initialize({}, [pathToFileURL(root).href], { configuration: true });
  });
  after(async () => {
    await client.shutdown();
    fs.rmSync(root, { recursive: true, force: true });
  });

  test('registers no watcher; a changed or new .ffilens.json is seen when a document is saved', async () => {
    assert.deepEqual(await open(client, uri), []);
    assert.equal(client.registrations.some((r) => r.method === 'workspace/didChangeWatchedFiles'), false);
    fs.writeFileSync(path.join(root, '.ffilens.json'), JSON.stringify({ rules: { [RULE]: 'hint' } }));
    fs.utimesSync(path.join(root, '.ffilens.json'), new Date(), new Date(Date.now() + 5000));
    const changed = client.nextDiagnostics(uri, (p) => p.diagnostics[0]?.severity === 4);
    await client.connection.sendNotification('textDocument/didSave', { textDocument: { uri } });
    await changed;
    fs.writeFileSync(path.join(root, 'src', '.ffilens.json'), JSON.stringify({ rules: { [RULE]: 'off' } }));
    const nearer = client.nextDiagnostics(uri, (p) => p.diagnostics.length === 0);
    await client.connection.sendNotification('textDocument/didSave', { textDocument: { uri } });
    await nearer;
  });
});
