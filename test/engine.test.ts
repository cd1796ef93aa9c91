import * as assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { ALL_COLLECTORS } from '../server/collectors';
import { Engine } from '../server/engine/engine';
import { decodeSource } from '../server/engine/input';
import { detectLanguage, isSupportedPath } from '../server/engine/languages';
import { defineRule, type Rule } from '../server/engine/rule';
import { DEFAULT_SETTINGS } from '../server/engine/settings';
import { WorkspaceIndex } from '../server/engine/workspace';
import { ALL_RULES } from '../server/rules';

const POINTER_BUG = `import ctypes
lib = ctypes.CDLL("libfoo.so")
print(ctypes.string_at(lib.foo_name()))
`;

const throwing: Rule = defineRule({
  id: 'ctypes/throws-for-test',
  languages: ['python'],
  severity: 'warning',
  questions: [7],
  description: 'always throws',
  messages: { never: 'never' },
  fixable: false,
  triggers: ['ctypes'],
  check() {
    throw new Error('boom');
  },
});

describe('engine', () => {
  const logged: string[] = [];
  const engine = new Engine([throwing, ...ALL_RULES], { warn: (message) => logged.push(message) });
  after(() => engine.dispose());

  test('a rule that throws loses only its own findings, and is logged once', async () => {
    const first = await engine.analyzeText('a.py', 'python', POINTER_BUG);
    const second = await engine.analyzeText('b.py', 'python', POINTER_BUG);
    assert.deepEqual(first.findings.map((f) => f.ruleId), ['ctypes/truncated-pointer-result']);
    assert.deepEqual(second.findings.map((f) => f.ruleId), ['ctypes/truncated-pointer-result']);
    assert.deepEqual([first.failures[0]?.ruleId, second.failures[0]?.ruleId], ['ctypes/throws-for-test', 'ctypes/throws-for-test']);
    assert.equal(logged.length, 1);
    assert.match(logged[0], /rule ctypes\/throws-for-test threw on a\.py.*\n.*boom/);
  });

  test('a file with no trigger string is never parsed', async () => {
    const result = await engine.analyzeText('plain.py', 'python', 'print("hello")\n');
    assert.equal(result.parsed, false);
  });

  test('a C++ file none of whose names a binding looks up is not parsed for abi/missing-extern-c', async () => {
    const index = new WorkspaceIndex(ALL_COLLECTORS);
    index.update('/ws/bind.py', 'python', 'import ctypes\nlib = ctypes.CDLL("./libx.so")\nlib.shim_run()\n');
    index.markComplete();
    const unrelated = await engine.analyzeText('/ws/other.cpp', 'cpp', 'int helper(int x) { return x; }\n', DEFAULT_SETTINGS, index);
    assert.equal(unrelated.parsed, false);
    const shim = await engine.analyzeText('/ws/shim.cpp', 'cpp', 'int shim_run(void) { return 0; }\n', DEFAULT_SETTINGS, index);
    assert.deepEqual(shim.findings.map((f) => f.ruleId), ['abi/missing-extern-c']);
  });

  test('disabled rules and a disabled engine report nothing', async () => {
    const off = await engine.analyzeText('a.py', 'python', POINTER_BUG, {
      ...DEFAULT_SETTINGS,
      rules: { ...Object.fromEntries(ALL_RULES.map((rule) => [rule.id, 'off'])), 'ctypes/throws-for-test': 'off' },
    });
    assert.deepEqual(off.findings, []);
    assert.equal(off.parsed, false);
    const disabled = await engine.analyzeText('a.py', 'python', POINTER_BUG, { ...DEFAULT_SETTINGS, enable: false });
    assert.deepEqual(disabled.findings, []);
  });

  test('a configured severity replaces the default', async () => {
    const result = await engine.analyzeText('a.py', 'python', POINTER_BUG, {
      ...DEFAULT_SETTINGS,
      rules: { 'ctypes/truncated-pointer-result': 'hint' },
    });
    assert.equal(result.findings[0].severity, 'hint');
  });

  test('incremental edits give the same tree as a fresh parse, with non-ASCII text', async () => {
    const document = await engine.openDocument('edit.py', 'python', `# café ☕ 😀\n${POINTER_BUG}`);
    try {
      const before = document.parse();
      assert.ok(before);
      document.applyChanges([
        { range: { start: { line: 0, column: 7 }, end: { line: 0, column: 8 } }, text: '🍵 naïve' },
        { range: { start: { line: 3, column: 0 }, end: { line: 3, column: 0 } }, text: 'lib.foo_name.restype = ctypes.c_char_p\n' },
        { range: { start: { line: 1, column: 0 }, end: { line: 2, column: 3 } }, text: 'import ctypes as ct, ctypes\nlib' },
      ]);
      const edited = document.parse().rootNode.toString();
      const fresh = await engine.openDocument('fresh.py', 'python', document.text);
      try {
        assert.equal(edited, fresh.parse().rootNode.toString());
        assert.equal(document.text.split('\n')[0], '# café 🍵 naïve 😀');
      } finally {
        fresh.dispose();
      }
    } finally {
      document.dispose();
    }
  });

  test('a document deletes every tree it replaces, and its last one on dispose', async () => {
    const document = await engine.openDocument('own.py', 'python', POINTER_BUG);
    const deleted: string[] = [];
    const track = () => {
      const tree = document.tree!;
      const original = tree.delete.bind(tree);
      tree.delete = () => {
        deleted.push('tree');
        original();
      };
    };
    document.parse();
    track();
    document.applyChanges([{ range: { start: { line: 0, column: 0 }, end: { line: 0, column: 0 } }, text: '# x\n' }]);
    document.parse();
    assert.equal(deleted.length, 1, 'the replaced tree is deleted');
    track();
    document.dispose();
    assert.equal(deleted.length, 2, 'dispose deletes the current tree');
    assert.equal(document.tree, undefined);
    assert.throws(() => document.parse(), /disposed/);
  });

  test('deeply nested code neither crashes the engine nor loses other findings', async () => {
    const depth = 5000;
    const nested = `${POINTER_BUG}x = ${'('.repeat(depth)}1${')'.repeat(depth)}\ny = [${'['.repeat(depth)}${']'.repeat(depth)}]\n`;
    const result = await engine.analyzeText('deep.py', 'python', nested);
    assert.deepEqual(result.findings.map((f) => f.ruleId), ['ctypes/truncated-pointer-result']);
  });

  test('syntax errors elsewhere in the file do not hide a finding', async () => {
    const broken = `${POINTER_BUG}def broken(:\n    return )\n`;
    const result = await engine.analyzeText('broken.py', 'python', broken);
    assert.deepEqual(result.findings.map((f) => f.range.start.line), [2]);
  });
});

describe('shared analyses', () => {
  test('run once per file however many rules ask, and again for the next file', async () => {
    let computed = 0;
    const countNodes = (root: { descendantCount: number }) => {
      computed++;
      return root.descendantCount;
    };
    const asking = (id: string): Rule =>
      defineRule({
        id,
        languages: ['python'],
        severity: 'info',
        questions: [7],
        description: 'asks for a shared analysis',
        messages: { size: '{{nodes}} nodes' },
        fixable: false,
        triggers: ['ctypes'],
        check(context) {
          context.report({ node: context.root, messageId: 'size', data: { nodes: String(context.shared(countNodes)) } });
        },
      });
    const engine = new Engine([asking('ctypes/asks-first'), asking('ctypes/asks-second')]);
    try {
      const first = await engine.analyzeText('a.py', 'python', POINTER_BUG);
      assert.equal(computed, 1);
      assert.equal(first.findings[0].message, first.findings[1].message);
      await engine.analyzeText('b.py', 'python', POINTER_BUG);
      assert.equal(computed, 2);
    } finally {
      engine.dispose();
    }
  });
});

describe('input decoding', () => {
  test('binary files are refused', () => {
    assert.deepEqual(decodeSource(Uint8Array.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2]), 1000), { skip: 'skipped: binary file (contains NUL bytes)' });
  });
  test('invalid UTF-8 is decoded lossily with a notice', () => {
    const decoded = decodeSource(Uint8Array.from([0x61, 0xff, 0x62]), 1000);
    assert.ok('text' in decoded);
    assert.equal(decoded.text, 'a\ufffdb');
    assert.match(decoded.notice ?? '', /invalid UTF-8/);
  });
  test('files over the size limit are skipped with the limit named', () => {
    const decoded = decodeSource(new Uint8Array(2000).fill(0x61), 1000);
    assert.ok('skip' in decoded);
    assert.match(decoded.skip, /2000 bytes is over the 1000-byte limit/);
  });
});

describe('language detection', () => {
  test('by extension', () => {
    assert.equal(detectLanguage('a/b.pyi', ''), 'python');
    assert.equal(detectLanguage('x.CC', ''), 'cpp');
    assert.equal(detectLanguage('x.rs', ''), 'rust');
    assert.equal(detectLanguage('x.txt', ''), undefined);
  });
  test('JSON only in files named exactly package.json', () => {
    assert.equal(detectLanguage('/addon/package.json', '{}'), 'json');
    assert.equal(detectLanguage('C:\\addon\\package.json', '{}'), 'json');
    for (const other of ['tsconfig.json', 'package-lock.json', 'a/Package.json', 'my-package.json', 'package.json5', 'x.json']) {
      assert.equal(detectLanguage(other, '{}'), undefined, other);
      assert.equal(isSupportedPath(other), false, other);
    }
    assert.equal(isSupportedPath('a/b/package.json'), true);
  });
  test('a .h is C unless it has C++ syntax or sits beside C++ sources', () => {
    assert.equal(detectLanguage('jni.h', '#ifdef __cplusplus\nextern "C" {\n#endif\nint f(void);\n'), 'c');
    assert.equal(detectLanguage('a.h', 'namespace rocksdb {\nclass Env;\n}\n'), 'cpp');
    assert.equal(detectLanguage('a.h', 'template <typename T> T id(T x);\n'), 'cpp');
    assert.equal(detectLanguage('a.h', 'std::string name();\n'), 'cpp');
    assert.equal(detectLanguage('a.h', 'int f(void);\n', () => true), 'cpp');
  });
});
