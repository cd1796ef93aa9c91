import * as assert from 'node:assert/strict';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import type { Hover } from 'vscode-languageserver-protocol/node';
import { TestClient } from '../support/lsp-client';

const pythonUri = pathToFileURL('/virtual/api-hover/binding.py').href;
const PYTHON = `import ctypes

lib = ctypes.CDLL("libfoo.so")
lib.foo_name.restype = ctypes.c_void_p
restype = "a variable, not the ctypes attribute"
`;

const cUri = pathToFileURL('/virtual/api-hover/worker.c').href;
const C = `#include <jni.h>
static JavaVM *g_vm;
static void *flush_worker(void *arg)
{
    JNIEnv *env;
    (*g_vm)->AttachCurrentThread(g_vm, (void **)&env, NULL);
    (*env)->ExceptionClear(env);
}
`;

function markdownOf(hover: Hover): string {
  return (hover.contents as { kind: string; value: string }).value;
}

/** Hovers beyond diagnostics: an FFI API under the cursor shows its note from content/apis.md. */
describe('language server: API notes on hover', () => {
  const client = new TestClient();
  const hover = (uri: string, line: number, character: number) =>
    client.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line, character } }) as Promise<Hover | null>;

  before(async () => {
    await client.initialize();
    const published = client.nextDiagnostics(pythonUri);
    await client.connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri: pythonUri, languageId: 'python', version: 1, text: PYTHON },
    });
    assert.deepEqual((await published).diagnostics, [], 'the Python file has no finding');
  });
  after(async () => {
    assert.equal(await client.shutdown(), 0);
  });

  test('an API with no finding: the note alone, with the question links and the name as range', async () => {
    const result = await hover(pythonUri, 3, 15);
    assert.ok(result, 'a hover on `restype`');
    const markdown = markdownOf(result);
    assert.match(markdown, /^\*\*FFI Lens\*\* · ctypes `restype`/);
    assert.match(markdown, /Read: \[Q7: [^\]]+\]\(file:\/\/[^)]+\/content\/questions\/Q7\.md\)/);
    assert.doesNotMatch(markdown, /---/, 'no finding part');
    assert.deepEqual(result.range, { start: { line: 3, character: 13 }, end: { line: 3, character: 20 } });
  });

  test('a near-miss gets no hover: a variable named like the attribute, a keyword', async () => {
    assert.equal(await hover(pythonUri, 4, 2), null);
    assert.equal(await hover(pythonUri, 0, 2), null);
  });

  test('after an edit the hover reads the new text at once, before the next check', async () => {
    await client.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri: pythonUri, version: 2 },
      contentChanges: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: 'import os\n' }],
    });
    const moved = await hover(pythonUri, 4, 15);
    assert.ok(moved);
    assert.match(markdownOf(moved), /ctypes `restype`/);
    const cdll = await hover(pythonUri, 3, 15);
    assert.ok(cdll);
    assert.match(markdownOf(cdll), /ctypes `CDLL` and `PyDLL`/);
  });

  test('on a finding: the finding first, then the API note after a rule', async () => {
    const published = client.nextDiagnostics(cUri, (p) => p.diagnostics.length > 0);
    await client.connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri: cUri, languageId: 'c', version: 1, text: C },
    });
    const { diagnostics } = await published;
    assert.equal(diagnostics[0].code, 'jni/thread-not-detached', JSON.stringify(diagnostics));
    const result = await hover(cUri, 5, 16);
    assert.ok(result);
    const [finding, note] = markdownOf(result).split('\n\n---\n\n');
    assert.match(finding, /`jni\/thread-not-detached`/);
    assert.match(note, /^\*\*FFI Lens\*\* · JNI `AttachCurrentThread`/);
    assert.match(note, /\[Q18: [^\]]+\]\(file:\/\/[^)]+\/content\/questions\/Q18\.md\)/);
    assert.deepEqual(result.range, diagnostics[0].range, 'the range is the finding\'s');
  });

  test('no note while FFI Lens is disabled for the file', async () => {
    client.settings = { enable: false, rules: {} };
    const cleared = client.nextDiagnostics(cUri, (p) => p.diagnostics.length === 0);
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
    await cleared;
    assert.equal(await hover(pythonUri, 4, 15), null);
    client.settings = { enable: true, rules: {} };
    const back = client.nextDiagnostics(cUri, (p) => p.diagnostics.length > 0);
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
    await back;
    assert.ok(await hover(pythonUri, 4, 15));
  });
});
