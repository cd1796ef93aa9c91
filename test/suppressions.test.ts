import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { Engine } from '../server/engine/engine';
import { applyFixes } from '../server/engine/fixes';
import { detectLanguage, type LanguageId } from '../server/engine/languages';
import { IgnoreMatcher, parseProjectConfig, ProjectConfigs, withProjectRules } from '../server/engine/project-config';
import { DEFAULT_SETTINGS } from '../server/engine/settings';
import { closestRuleId, commentSyntax, disableLineEdit } from '../server/engine/suppressions';
import { ALL_RULES } from '../server/rules';
import { FIXTURES } from './support/paths';

const engine = new Engine(ALL_RULES);
after(() => engine.dispose());
const KNOWN = new Set(ALL_RULES.map((rule) => rule.id));
const POINTER = 'ctypes/truncated-pointer-result';

const PY = (comment = '', before = '') => `import ctypes
lib = ctypes.CDLL("libfoo.so")
${before}name = ctypes.string_at(lib.foo_name(1))${comment}
`;

async function analyze(text: string, language: LanguageId = 'python') {
  return engine.analyzeText(`test.${language}`, language, text);
}

describe('suppression comments', () => {
  test('the finding fires without a directive', async () => {
    assert.deepEqual((await analyze(PY())).findings.map((f) => f.ruleId), [POINTER]);
  });

  test('disable-line, disable-next-line and disable-file, with and without ids', async () => {
    for (const text of [
      PY(`  # ffi-lens-disable-line ${POINTER}`),
      PY(`  # ffi-lens-disable-line`),
      PY('', `# ffi-lens-disable-next-line ${POINTER}\n`),
      PY('', `# ffi-lens-disable-next-line ctypes/missing-argtypes, ${POINTER} -- reason here\n`),
      PY('', `    # ffi-lens-disable-next-line ${POINTER}\n`),
      `# ffi-lens-disable-file ${POINTER}\n${PY()}`,
      `${PY()}# ffi-lens-disable-file\n`,
    ]) {
      const result = await analyze(text);
      assert.deepEqual(result.findings, [], text);
      assert.deepEqual(result.directiveProblems, [], text);
      assert.deepEqual(result.suppressed.map((f) => f.ruleId), [POINTER], 'the silenced finding is kept aside (for SARIF)');
    }
    const [reasoned] = (await analyze(PY('', `# ffi-lens-disable-next-line ${POINTER} -- set by the loader\n`))).suppressed;
    assert.deepEqual(reasoned.suppression, { directive: 'ffi-lens-disable-next-line', justification: 'set by the loader' });
  });

  test('a directive for another rule, on another line or in a string leaves the finding', async () => {
    for (const text of [
      PY('  # ffi-lens-disable-line ctypes/missing-argtypes'),
      PY('', `# ffi-lens-disable-next-line ${POINTER}\n\n`),
      PY('', `# ffi-lens-disable-line ${POINTER}\n`),
      PY('', `s = "# ffi-lens-disable-next-line ${POINTER}"\n`),
      PY('  # see ffi-lens-disable-line in the README'),
      `# ffi-lens-disable-file ctypes/missing-argtypes\n${PY()}`,
    ]) {
      assert.deepEqual((await analyze(text)).findings.map((f) => f.ruleId), [POINTER], text);
    }
  });

  test('an unknown rule id is reported where it is written, with a suggestion, and suppresses nothing', async () => {
    const result = await analyze(PY('  # ffi-lens-disable-line ctypes/truncated-pointr-result'));
    assert.deepEqual(result.findings.map((f) => f.ruleId), [POINTER]);
    assert.equal(result.directiveProblems.length, 1);
    const [problem] = result.directiveProblems;
    assert.match(problem.message, /unknown rule "ctypes\/truncated-pointr-result" in an ffi-lens-disable-line comment \(did you mean "ctypes\/truncated-pointer-result"\?\)/);
    assert.deepEqual(problem.range, { start: { line: 2, column: 66 }, end: { line: 2, column: 96 } });
    assert.equal(problem.suggestion, POINTER);
  });

  test('a known id beside an unknown one still works; a misspelt directive is reported', async () => {
    const mixed = await analyze(PY(`  # ffi-lens-disable-line nonsense, ${POINTER}`));
    assert.deepEqual(mixed.findings, []);
    assert.deepEqual(mixed.directiveProblems.map((p) => p.message.split(' in ')[0]), ['unknown rule "nonsense"']);
    const misspelt = await analyze(PY('', `# ffi-lens-disable-nextline ${POINTER}\n`));
    assert.equal(misspelt.findings.length, 1);
    assert.match(misspelt.directiveProblems[0].message, /unknown directive "ffi-lens-disable-nextline" \(did you mean "ffi-lens-disable-next-line"\?\)/);
    assert.equal(misspelt.directiveProblems[0].suggestion, 'ffi-lens-disable-next-line');
  });

  test('a file no rule applies to is parsed for its directives only to report mistakes', async () => {
    const result = await analyze('# ffi-lens-disable-file cgo/no-such-rule\nprint("hello")\n');
    assert.equal(result.parsed, true);
    assert.match(result.directiveProblems[0].message, /unknown rule "cgo\/no-such-rule"/);
    assert.equal((await analyze('print("hello")\n')).parsed, false);
    const off = await engine.analyzeText('a.py', 'python', '# ffi-lens-disable-file x\n', { ...DEFAULT_SETTINGS, enable: false });
    assert.equal(off.parsed, false, 'a disabled engine parses nothing');
  });

  test('languages without comment syntax (e.g. JSON) have no directives', () => {
    assert.equal(commentSyntax('json'), undefined);
    assert.equal(commentSyntax('toString'), undefined);
    assert.equal(disableLineEdit('{}\n', 0, 'json', POINTER), undefined);
    assert.equal(commentSyntax('python')?.linePrefix, '#');
    for (const language of ['c', 'cpp', 'go', 'java', 'rust']) assert.equal(commentSyntax(language)?.linePrefix, '//');
  });

  test('closestRuleId suggests only near misses', () => {
    assert.equal(closestRuleId('jni/cached-evn', KNOWN), 'jni/cached-env');
    assert.equal(closestRuleId('completely-different', KNOWN), undefined);
  });
});

describe('unused suppressions (reportUnusedDirectives)', () => {
  const COMPLETE = { complete: true, has: () => false, filesWith: () => [] };
  const REPORTING = { ...DEFAULT_SETTINGS, reportUnusedDirectives: true };
  const unused = async (text: string, settings = REPORTING, workspace = COMPLETE) =>
    (await engine.analyzeText('u.py', 'python', text, settings, workspace)).directiveProblems.map(
      (p) => `${p.range.start.line}:${p.range.start.column} ${p.message}`,
    );

  test('an id that suppressed nothing is reported where it is written; the used one is not', async () => {
    assert.deepEqual(await unused(PY(`  # ffi-lens-disable-line ctypes/missing-argtypes, ${POINTER}`)), [
      '2:66 unused suppression of ctypes/missing-argtypes: it has no finding on line 3',
    ]);
    assert.deepEqual(await unused(PY('', `# ffi-lens-disable-next-line ${POINTER}
`)), []);
  });

  test('a directive without ids that covers nothing, and a file-wide one', async () => {
    assert.deepEqual(await unused(`# ffi-lens-disable-next-line
${PY()}`), [
      '0:2 unused ffi-lens-disable-next-line: no finding on line 2 to suppress',
    ]);
    assert.deepEqual(await unused(`# ffi-lens-disable-file cgo/call-in-loop
print("no cgo here")
`), [
      '0:24 unused suppression of cgo/call-in-loop: it has no finding in this file',
    ]);
  });

  test('not reported when asked not to, for rules that are off, or while the workspace is incomplete', async () => {
    const text = PY(`  # ffi-lens-disable-line ctypes/missing-argtypes, ${POINTER}`);
    assert.deepEqual(await unused(text, DEFAULT_SETTINGS), []);
    assert.deepEqual(await unused(text, { ...REPORTING, rules: { 'ctypes/missing-argtypes': 'off' } }), []);
    assert.deepEqual(await unused(text, REPORTING, { ...COMPLETE, complete: false }), []);
  });
});

describe('the "disable for this line" edit', () => {
  const apply = (text: string, edit: ReturnType<typeof disableLineEdit>) => applyFixes(text, [{ title: '', safe: true, edits: [edit!] }]);

  test('inserts a comment above with the line indentation, in the language comment syntax', () => {
    assert.equal(apply('def f():\n    x = g()\n', disableLineEdit('def f():\n    x = g()\n', 1, 'python', POINTER)), `def f():\n    # ffi-lens-disable-next-line ${POINTER}\n    x = g()\n`);
    assert.equal(apply('{\n\tg = env;\n}\n', disableLineEdit('{\n\tg = env;\n}\n', 1, 'c', 'jni/cached-env')), '{\n\t// ffi-lens-disable-next-line jni/cached-env\n\tg = env;\n}\n');
    assert.equal(apply('a\r\n  b\r\n', disableLineEdit('a\r\n  b\r\n', 1, 'go', 'cgo/call-in-loop')), 'a\r\n  // ffi-lens-disable-next-line cgo/call-in-loop\r\n  b\r\n');
  });

  test('adds the rule to a disable-next-line comment already above, or does nothing when it is there', () => {
    const text = '  // ffi-lens-disable-next-line jni/cached-env -- why\n  g = env;\n';
    assert.equal(apply(text, disableLineEdit(text, 1, 'c', 'jni/local-ref-in-global')), '  // ffi-lens-disable-next-line jni/cached-env, jni/local-ref-in-global -- why\n  g = env;\n');
    assert.equal(disableLineEdit(text, 1, 'c', 'jni/cached-env'), undefined);
    const noted = '# ffi-lens-disable-next-line ctypes/missing-argtypes  # expect: x\ny = g()\n';
    assert.equal(apply(noted, disableLineEdit(noted, 1, 'python', POINTER)), `# ffi-lens-disable-next-line ctypes/missing-argtypes, ${POINTER}  # expect: x\ny = g()\n`);
  });

  test('after a backslash continuation: an end-of-line comment in Python, nothing in C', () => {
    const python = 'x = 1 + \\\n    g()\n';
    assert.equal(apply(python, disableLineEdit(python, 1, 'python', POINTER)), `x = 1 + \\\n    g()  # ffi-lens-disable-line ${POINTER}\n`);
    assert.equal(disableLineEdit('#define F(x) \\\n  g(x)\n', 1, 'c', 'jni/cached-env'), undefined);
  });

  test('applying it silences exactly that finding', async () => {
    const text = PY();
    const [finding] = (await analyze(text)).findings;
    const fixed = apply(text, disableLineEdit(text, finding.range.start.line, 'python', finding.ruleId));
    const after = await analyze(fixed);
    assert.deepEqual(after.findings, []);
    assert.deepEqual(after.directiveProblems, []);
  });
});

describe('suppression fixtures: each directive there silences a finding that fires without it', () => {
  const directory = path.join(FIXTURES, 'suppressions');
  for (const name of fs.readdirSync(directory)) {
    test(name, async () => {
      const file = path.join(directory, name);
      const text = fs.readFileSync(file, 'utf8');
      const language = detectLanguage(file, text)!;
      const key = (f: { ruleId: string; range: { start: { line: number } } }) => `${f.range.start.line + 1} ${f.ruleId}`;
      const kept = (await engine.analyzeText(file, language, text)).findings.map(key);
      const all = (await engine.analyzeText(file, language, text.replaceAll('ffi-lens-disable', 'no-longer-a-directive'))).findings.map(key);
      assert.ok(kept.every((finding) => all.includes(finding)));
      assert.ok(all.length > kept.length, `${name}: without its directives the file has ${all.length} findings, with them ${kept.length}`);
    });
  }
});

describe('.ffilens.json', () => {
  const parse = (text: string) => parseProjectConfig(text, '/project/.ffilens.json', KNOWN);

  test('rules and ignore patterns are read', () => {
    const config = parse('{ "rules": { "jni/cached-env": "off", "cgo/call-in-loop": "error" }, "ignore": ["gen/", "*.pb.c"] }');
    assert.deepEqual(config.problems, []);
    assert.deepEqual(config.rules, { 'jni/cached-env': 'off', 'cgo/call-in-loop': 'error' });
    assert.equal(config.ignore.ignores('/project/gen/a.c'), true);
    assert.equal(config.ignore.ignores('/project/src/x.pb.c'), true);
    assert.equal(config.ignore.ignores('/project/src/x.c'), false);
    assert.equal(config.ignore.ignores('/elsewhere/gen/a.c'), false, 'patterns apply under the config directory only');
  });

  test('every mistake is a one-line problem; the valid parts still apply', () => {
    assert.match(parse('{ "rules": { ').problems[0], /^not valid JSON: .* at line 1, column \d+$/);
    assert.deepEqual(parse('[]').problems, ['expected an object like { "rules": { … }, "ignore": [ … ] }']);
    const config = parse(JSON.stringify({ rules: { 'jni/cached-evn': 'off', 'jni/cached-env': 'loud', 'cgo/call-in-loop': 'hint' }, ignore: ['ok/', 3], extra: true }));
    assert.deepEqual(config.problems, [
      'unknown key "extra" (expected "rules" or "ignore")',
      'rules: unknown rule "jni/cached-evn" (did you mean "jni/cached-env"?); see `ffi-lens rules`',
      'rules."jni/cached-env": "loud" is not a level; use "off", "error", "warning", "info", "hint"',
      'ignore[1]: expected a non-empty pattern string, got 3',
    ]);
    assert.deepEqual(config.rules, { 'cgo/call-in-loop': 'hint' });
    assert.equal(config.ignore.ignores('/project/ok/x.c'), true);
    assert.deepEqual(parse('{ "rules": [], "ignore": "gen/" }').problems, [
      '"rules" must be an object mapping rule ids to a level',
      '"ignore" must be an array of .gitignore-style patterns',
    ]);
  });

  test('glob patterns: **, *, ?, directory prefixes, anchored paths, negation', () => {
    const matcher = new IgnoreMatcher('/p', ['third_party/**', 'src/**/legacy_*.c', 'a?.c', '/top.c', 'build/', '*.gen.h', '!keep.gen.h']);
    const cases: [string, boolean][] = [
      ['/p/third_party/zlib/inflate.c', true],
      ['/p/src/legacy_x.c', true],
      ['/p/src/a/b/legacy_y.c', true],
      ['/p/src/a/b/modern.c', false],
      ['/p/ab.c', true],
      ['/p/abc.c', false],
      ['/p/top.c', true],
      ['/p/sub/top.c', false],
      ['/p/sub/build/x.c', true],
      ['/p/include/api.gen.h', true],
      ['/p/include/keep.gen.h', false],
    ];
    for (const [file, expected] of cases) assert.equal(matcher.ignores(file), expected, file);
  });

  test('the nearest config governs a file; command-line or editor rules win over it', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ffi-lens-config-'));
    try {
      fs.mkdirSync(path.join(root, 'a', 'b'), { recursive: true });
      fs.writeFileSync(path.join(root, '.ffilens.json'), '{ "rules": { "jni/cached-env": "off" } }');
      fs.writeFileSync(path.join(root, 'a', '.ffilens.json'), '{ "rules": { "jni/cached-env": "hint" }, "ignore": ["gen/"] }');
      const configs = new ProjectConfigs(KNOWN);
      assert.equal(configs.forFile(path.join(root, 'x.c'))?.rules['jni/cached-env'], 'off');
      assert.equal(configs.forFile(path.join(root, 'a', 'b', 'x.c'))?.rules['jni/cached-env'], 'hint');
      assert.equal(configs.isIgnored(path.join(root, 'a', 'gen', 'x.c')), true);
      assert.equal(configs.isIgnored(path.join(root, 'gen', 'x.c')), false);
      const settings = withProjectRules({ ...DEFAULT_SETTINGS, rules: { 'cgo/call-in-loop': 'error' } }, configs.forFile(path.join(root, 'x.c')));
      assert.deepEqual(settings.rules, { 'jni/cached-env': 'off', 'cgo/call-in-loop': 'error' });
      const flagged = withProjectRules({ ...DEFAULT_SETTINGS, rules: { 'jni/cached-env': 'warning' } }, configs.forFile(path.join(root, 'x.c')));
      assert.deepEqual(flagged.rules, { 'jni/cached-env': 'warning' });
      fs.writeFileSync(path.join(root, '.ffilens.json'), '{ "rules": { "jni/cached-env": "info" } }');
      assert.equal(configs.forFile(path.join(root, 'x.c'))?.rules['jni/cached-env'], 'off', 'cached until invalidated');
      fs.utimesSync(path.join(root, '.ffilens.json'), new Date(), new Date(Date.now() + 5000));
      assert.equal(configs.changedOnDisk(), true, 'a config read before changed on disk');
      configs.invalidate();
      assert.equal(configs.forFile(path.join(root, 'x.c'))?.rules['jni/cached-env'], 'info');
      assert.equal(configs.changedOnDisk(path.join(root, 'a', 'b', 'x.c')), false, 'never looked up: nothing stale');
      configs.forFile(path.join(root, 'a', 'b', 'x.c'));
      assert.equal(configs.changedOnDisk(path.join(root, 'a', 'b', 'x.c')), false);
      fs.writeFileSync(path.join(root, 'a', 'b', '.ffilens.json'), '{}');
      assert.equal(configs.changedOnDisk(path.join(root, 'a', 'b', 'x.c')), true, 'a nearer config appeared');
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
