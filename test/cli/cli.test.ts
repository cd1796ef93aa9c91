import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { runCli } from '../../server/cli/main';
import { ALL_RULES } from '../../server/rules';
import { REPO_ROOT } from '../support/paths';

const POINTER_BUG = `import ctypes
lib = ctypes.CDLL("libfoo.so")
print(ctypes.string_at(lib.foo_name()))
`;
const CLEAN = `import ctypes
lib = ctypes.CDLL("libfoo.so")
lib.foo_name.restype = ctypes.c_char_p
print(lib.foo_name())
`;

async function cli(args: string[], cwd: string) {
  let stdout = '';
  let stderr = '';
  const status = await runCli(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), cwd });
  return { status, stdout, stderr };
}

function makeTree(files: Record<string, string | Buffer>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ffi-lens-cli-'));
  for (const [relative, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, relative)), { recursive: true });
    fs.writeFileSync(path.join(root, relative), content);
  }
  return root;
}

const trees: string[] = [];
function tree(files: Record<string, string | Buffer>): string {
  const root = makeTree(files);
  trees.push(root);
  return root;
}
after(() => {
  for (const root of trees) fs.rmSync(root, { recursive: true, force: true });
});

describe('ffi-lens scan', () => {
  test('text: one path:line:col line per finding, a summary, exit 1', async () => {
    const root = tree({ 'pkg/bad.py': POINTER_BUG, 'pkg/good.py': CLEAN });
    const { status, stdout } = await cli(['scan', '.'], root);
    assert.equal(status, 1);
    const lines = stdout.trimEnd().split('\n');
    assert.match(lines[0], /^pkg\/bad\.py:3:24 error ctypes\/truncated-pointer-result `lib\.foo_name` returns a pointer .* \(Q14, Q7, Q33\)$/);
    assert.match(lines[1], /^1 problem \(1 error, 0 warnings, 0 info\) in 1 file\. 2 files scanned \(2 parsed\) in \d+\.\d\d s\.$/);
  });

  test('exit 0 on clean code, and on findings below warning', async () => {
    const root = tree({ 'good.py': CLEAN, 'bad.py': POINTER_BUG });
    assert.equal((await cli(['scan', 'good.py'], root)).status, 0);
    assert.equal((await cli(['scan', '.', '--rule', 'ctypes/truncated-pointer-result=info'], root)).status, 0);
    const off = await cli(['scan', '.', ...ALL_RULES.flatMap((rule) => ['--rule', `${rule.id}=off`])], root);
    assert.match(off.stdout, /^No FFI hazards found\. 2 files scanned \(\d parsed\) in \d+\.\d\d s\.\n$/);
  });

  test('exit 2 on usage and I/O errors', async () => {
    const root = tree({ 'good.py': CLEAN });
    const missing = await cli(['scan', 'nope'], root);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /nope: no such file or directory/);
    assert.equal((await cli(['scan', '--format', 'xml'], root)).status, 2);
    assert.equal((await cli(['scan', '--rule', 'no/such-rule=off'], root)).status, 2);
    assert.equal((await cli(['frobnicate'], root)).status, 2);
    assert.equal((await cli([], root)).status, 2);
  });

  test('json: the documented shape, 1-based positions, the fix', async () => {
    const root = tree({ 'bad.py': POINTER_BUG });
    const { status, stdout } = await cli(['scan', '--format', 'json'], root);
    assert.equal(status, 1);
    const [finding, ...rest] = JSON.parse(stdout);
    assert.equal(rest.length, 0);
    assert.deepEqual(
      { ...finding, message: undefined, fix: undefined },
      { file: 'bad.py', line: 3, column: 24, endLine: 3, endColumn: 36, ruleId: 'ctypes/truncated-pointer-result', severity: 'error', message: undefined, questions: [14, 7, 33], fix: undefined },
    );
    assert.deepEqual(finding.fix, {
      title: 'Declare lib.foo_name.restype = ctypes.c_void_p',
      safe: true,
      edits: [{ line: 2, column: 31, endLine: 2, endColumn: 31, newText: '\nlib.foo_name.restype = ctypes.c_void_p' }],
    });
  });

  test('sarif: 2.1.0 with rule metadata, help text and located results', async () => {
    const root = tree({ 'src/bad.py': POINTER_BUG });
    const { stdout } = await cli(['scan', 'src', '--format', 'sarif'], root);
    const sarif = JSON.parse(stdout);
    assert.equal(sarif.version, '2.1.0');
    assert.match(sarif.$schema, /sarif-2\.1\.0/);
    const [run] = sarif.runs;
    const rules = run.tool.driver.rules;
    assert.ok(rules.some((r: { id: string }) => r.id === 'ctypes/truncated-pointer-result'));
    for (const rule of rules) {
      assert.ok(rule.shortDescription.text && rule.fullDescription.text && rule.help.text && rule.help.markdown, rule.id);
      assert.match(rule.helpUri, /^https:\/\/.*\/content\/rules\/.+\.md$/);
      assert.ok(['error', 'warning', 'note'].includes(rule.defaultConfiguration.level));
    }
    const [result] = run.results;
    assert.equal(rules[result.ruleIndex].id, result.ruleId);
    assert.equal(result.level, 'error');
    assert.deepEqual(result.locations[0].physicalLocation, {
      artifactLocation: { uri: 'src/bad.py', uriBaseId: 'SRCROOT' },
      region: { startLine: 3, startColumn: 24, endLine: 3, endColumn: 36 },
    });
    assert.equal(result.fixes[0].artifactChanges[0].replacements[0].insertedContent.text, '\nlib.foo_name.restype = ctypes.c_void_p');
    assert.match(run.originalUriBaseIds.SRCROOT.uri, /^file:\/\/.*\/$/);
    assert.deepEqual(run.invocations, [{ executionSuccessful: true, toolExecutionNotifications: [] }]);
  });

  test('sarif: skipped files become tool execution notifications', async () => {
    const root = tree({ 'bad.py': POINTER_BUG, 'blob.c': Buffer.from([0x4a, 0x4e, 0x49, 0, 0, 1]) });
    const { stdout } = await cli(['scan', '--format', 'sarif'], root);
    const [invocation] = JSON.parse(stdout).runs[0].invocations;
    assert.equal(invocation.executionSuccessful, true);
    assert.deepEqual(invocation.toolExecutionNotifications, [
      {
        level: 'warning',
        message: { text: 'skipped: binary file (contains NUL bytes)' },
        locations: [{ physicalLocation: { artifactLocation: { uri: 'blob.c', uriBaseId: 'SRCROOT' } } }],
      },
    ]);
  });

  test('the walk honours .gitignore files and skips dependency and build folders', async () => {
    const root = tree({
      '.gitignore': 'generated/\n*.gen.py\n',
      'app/bad.py': POINTER_BUG,
      'app/.gitignore': 'local_only.py\n',
      'app/local_only.py': POINTER_BUG,
      'app/sub/also.gen.py': POINTER_BUG,
      'generated/bad.py': POINTER_BUG,
      'node_modules/dep/bad.py': POINTER_BUG,
      'target/debug/bad.py': POINTER_BUG,
      'vendor/bad.py': POINTER_BUG,
      'build/bad.py': POINTER_BUG,
      '.git/bad.py': POINTER_BUG,
      'README.md': 'ctypes',
    });
    fs.mkdirSync(path.join(root, '.git'), { recursive: true });
    const { stdout } = await cli(['scan', '--format', 'json'], root);
    assert.deepEqual(JSON.parse(stdout).map((f: { file: string }) => f.file), ['app/bad.py']);
    const explicit = await cli(['scan', 'generated/bad.py', '--format', 'json'], root);
    assert.equal(JSON.parse(explicit.stdout).length, 1, 'a file named on the command line is scanned even if ignored');
    const namedDirectory = await cli(['scan', 'generated', '--format', 'json'], root);
    assert.equal(JSON.parse(namedDirectory.stdout).length, 1, 'so is a directory named on the command line (a workspace folder)');
    const belowNamed = await cli(['scan', 'app/sub', '--format', 'json'], root);
    assert.equal(JSON.parse(belowNamed.stdout).length, 0, 'while the enclosing .gitignore still applies below a directory it does not ignore');
  });

  test('bad input gets a notice and loses no finding elsewhere', async () => {
    const root = tree({
      'a_bad.py': POINTER_BUG,
      'b_binary.c': Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 0, 1]),
      'c_latin1.py': Buffer.concat([Buffer.from('# caf\xe9\n', 'latin1'), Buffer.from(POINTER_BUG)]),
      'd_huge.py': `x = "${'a'.repeat(2 * 1024 * 1024)}"  # ctypes\n`,
      'e_syntax.py': `${POINTER_BUG}def broken(:\n`,
    });
    const { status, stdout, stderr } = await cli(['scan', '--format', 'json', '--max-file-bytes', String(1024 * 1024)], root);
    assert.equal(status, 1);
    assert.deepEqual(JSON.parse(stdout).map((f: { file: string }) => f.file), ['a_bad.py', 'c_latin1.py', 'e_syntax.py']);
    assert.match(stderr, /b_binary\.c: skipped: binary file/);
    assert.match(stderr, /c_latin1\.py: invalid UTF-8/);
    assert.match(stderr, /d_huge\.py: skipped: \d+ bytes is over the 1048576-byte limit/);
  });

  test('worker threads give the same findings as one thread', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 80; i++) files[`m${String(i).padStart(3, '0')}.py`] = i % 3 === 0 ? POINTER_BUG : CLEAN;
    const root = tree(files);
    const parallel = await cli(['scan', '--format', 'json', '--jobs', '2'], root);
    const serial = await cli(['scan', '--format', 'json', '--jobs', '1'], root);
    assert.equal(JSON.parse(parallel.stdout).length, 27);
    assert.equal(parallel.stdout, serial.stdout);
  });
});

describe('cross-file rules', () => {
  const JAVA = `package demo;\nclass Codec {\n  native int encode(int x);\n  native int decode(int x);\n}\n`;
  const C = '#include <jni.h>\nJNIEXPORT jint JNICALL Java_demo_Codec_encode(JNIEnv *env, jobject self, jint x) { return x; }\n';

  test('a Java native method is checked against the C of the scanned tree', async () => {
    const root = tree({ 'java/demo/Codec.java': JAVA, 'jni/codec.c': C });
    const { stdout } = await cli(['scan', '.', '--format', 'json'], root);
    assert.deepEqual(
      JSON.parse(stdout).map((f: { file: string; line: number; ruleId: string }) => `${f.file}:${f.line} ${f.ruleId}`),
      ['java/demo/Codec.java:4 jni/unimplemented-native'],
    );
  });

  test('with workers too', async () => {
    const files: Record<string, string> = { 'java/demo/Codec.java': JAVA, 'jni/codec.c': C };
    for (let i = 0; i < 60; i++) files[`py/m${i}.py`] = 'import ctypes\n';
    const root = tree(files);
    const { stdout } = await cli(['scan', '.', '--format', 'json', '--jobs', '2'], root);
    assert.deepEqual(JSON.parse(stdout).map((f: { ruleId: string }) => f.ruleId), ['jni/unimplemented-native']);
  });

  test('scanning a pick of files proves no absence: cross-file rules stay silent', async () => {
    const root = tree({ 'java/demo/Codec.java': JAVA, 'jni/codec.c': C });
    const { stdout } = await cli(['scan', 'java/demo/Codec.java', '--format', 'json'], root);
    assert.deepEqual(JSON.parse(stdout), []);
  });
});

describe('package.json manifests', () => {
  const ADDON = '{\n  "name": "addon",\n  "version": "1.0.0",\n  "dependencies": { "nan": "^2.19.0" }\n}\n';
  const GYP = '{ "targets": [ { "target_name": "addon", "sources": ["addon.cc"] } ] }\n';

  test('a package.json is checked (with the binding.gyp beside it); no other JSON file is', async () => {
    const root = tree({
      'addon/package.json': ADDON,
      'addon/binding.gyp': GYP,
      'addon/tsconfig.json': ADDON,
      'addon/package-lock.json': ADDON,
      'addon/config/settings.json': ADDON,
      'addon/node_modules/dep/package.json': ADDON,
      'addon/node_modules/dep/binding.gyp': GYP,
      'plain/package.json': ADDON,
    });
    const { stdout } = await cli(['scan', '.', '--format', 'json'], root);
    assert.deepEqual(
      JSON.parse(stdout).map((f: { file: string; line: number; ruleId: string }) => `${f.file}:${f.line} ${f.ruleId}`),
      ['addon/package.json:2 napi/no-prebuild-matrix'],
    );
  });

  test('a package.json named alone proves no binding.gyp absent or present: silent', async () => {
    const root = tree({ 'addon/package.json': ADDON, 'addon/binding.gyp': GYP });
    const { stdout } = await cli(['scan', 'addon/package.json', '--format', 'json'], root);
    assert.deepEqual(JSON.parse(stdout), []);
  });
});

describe('ffi-lens rules', () => {
  test('--format json lists every rule with its metadata', async () => {
    const { status, stdout } = await cli(['rules', '--format', 'json'], REPO_ROOT);
    assert.equal(status, 0);
    const rules = JSON.parse(stdout);
    const ctypes = rules.find((r: { id: string }) => r.id === 'ctypes/truncated-pointer-result');
    assert.deepEqual(Object.keys(ctypes), ['id', 'languages', 'severity', 'questions', 'fixable', 'description']);
    assert.equal(ctypes.fixable, true);
  });
});

describe('the installed bin', () => {
  test('runs as a process and exits with the scan status', () => {
    const root = tree({ 'bad.py': POINTER_BUG });
    const run = spawnSync(process.execPath, [path.join(REPO_ROOT, 'bin', 'ffi-lens.js'), 'scan', root, '--format', 'json'], { encoding: 'utf8' });
    assert.equal(run.status, 1, run.stderr);
    assert.equal(JSON.parse(run.stdout).length, 1);
    const version = spawnSync(process.execPath, [path.join(REPO_ROOT, 'bin', 'ffi-lens.js'), '--version'], { encoding: 'utf8' });
    assert.match(version.stdout, /^\d+\.\d+\.\d+\n$/);
  });
});

describe('project config (.ffilens.json) and suppression comments', () => {
  const findings = (stdout: string) => JSON.parse(stdout).map((f: { file: string; severity: string }) => `${f.file} ${f.severity}`);

  test('the nearest config sets levels and ignores files; --rule overrides it; --no-config skips it', async () => {
    const root = tree({
      '.ffilens.json': JSON.stringify({ rules: { 'ctypes/truncated-pointer-result': 'warning' }, ignore: ['generated/', '*_pb2.py'] }),
      'app/bad.py': POINTER_BUG,
      'app/api_pb2.py': POINTER_BUG,
      'generated/bad.py': POINTER_BUG,
      'legacy/.ffilens.json': JSON.stringify({ rules: { 'ctypes/truncated-pointer-result': 'off' } }),
      'legacy/bad.py': POINTER_BUG,
    });
    assert.deepEqual(findings((await cli(['scan', '--format', 'json'], root)).stdout), ['app/bad.py warning']);
    const flagged = await cli(['scan', '--format', 'json', '--rule', 'ctypes/truncated-pointer-result=info'], root);
    assert.deepEqual(findings(flagged.stdout), ['app/bad.py info', 'legacy/bad.py info']);
    const unconfigured = await cli(['scan', '--format', 'json', '--no-config'], root);
    assert.equal(findings(unconfigured.stdout).length, 4);
    const explicit = await cli(['scan', 'generated/bad.py'], root);
    assert.equal(explicit.status, 0);
    assert.match(explicit.stderr, /generated\/bad\.py: skipped: ignored by \.ffilens\.json/);
    const chosen = await cli(['scan', '--format', 'json', '--config', 'legacy/.ffilens.json'], root);
    assert.deepEqual(findings(chosen.stdout), []);
  });

  test('an invalid config stops the scan with exit 2 and a message naming the file and the mistake', async () => {
    for (const [text, message] of [
      ['{ "rules": { "ctypes/truncated-pointer-result": "off", } }', /\.ffilens\.json: not valid JSON: .* at line 1, column \d+/],
      ['{ "rules": { "ctypes/truncated-pointr-result": "off" } }', /\.ffilens\.json: rules: unknown rule "ctypes\/truncated-pointr-result" \(did you mean "ctypes\/truncated-pointer-result"\?\)/],
      ['{ "rules": { "ctypes/truncated-pointer-result": "silent" } }', /\.ffilens\.json: rules\."ctypes\/truncated-pointer-result": "silent" is not a level/],
    ] as const) {
      const root = tree({ '.ffilens.json': text, 'bad.py': POINTER_BUG });
      const { status, stdout, stderr } = await cli(['scan'], root);
      assert.equal(status, 2, text);
      assert.equal(stdout, '');
      assert.match(stderr, message);
      assert.doesNotMatch(stderr, /\n\s+at /, 'no stack trace');
    }
    const root = tree({ 'bad.py': POINTER_BUG });
    assert.match((await cli(['scan', '--config', 'missing.json'], root)).stderr, /--config missing\.json: ENOENT/);
  });

  test('suppression comments silence findings; a misspelt rule id is a warning with its position', async () => {
    const root = tree({
      'a.py': POINTER_BUG.replace('print(', '# ffi-lens-disable-next-line ctypes/truncated-pointer-result\nprint('),
      'b.py': `${POINTER_BUG.trimEnd()}  # ffi-lens-disable-line ctypes/truncated-pointr-result\n`,
    });
    const { status, stdout, stderr } = await cli(['scan', '--format', 'json'], root);
    assert.equal(status, 1);
    assert.deepEqual(findings(stdout), ['b.py error']);
    assert.match(stderr, /^ffi-lens: b\.py:3:66: warning: unknown rule "ctypes\/truncated-pointr-result" in an ffi-lens-disable-line comment \(did you mean "ctypes\/truncated-pointer-result"\?\)/m);
  });

  test('sarif: a silenced finding is a result suppressed in source, with its reason; directive problems are notifications', async () => {
    const root = tree({
      'a.py': POINTER_BUG.replace('print(', '# ffi-lens-disable-next-line ctypes/truncated-pointer-result -- C returns a static buffer\nprint('),
      'b.py': `${CLEAN.trimEnd()}  # ffi-lens-disable-line ctypes/truncated-pointr-result\n`,
    });
    const { status, stdout } = await cli(['scan', '--format', 'sarif'], root);
    assert.equal(status, 0, 'suppressed findings do not fail the run');
    const [run] = JSON.parse(stdout).runs;
    assert.deepEqual(
      run.results.map((r: { ruleId: string; suppressions?: unknown; locations: { physicalLocation: { region: { startLine: number } } }[] }) => [
        r.ruleId,
        r.locations[0].physicalLocation.region.startLine,
        r.suppressions,
      ]),
      [['ctypes/truncated-pointer-result', 4, [{ kind: 'inSource', justification: 'C returns a static buffer' }]]],
    );
    const [notification] = run.invocations[0].toolExecutionNotifications;
    assert.equal(notification.level, 'warning');
    assert.match(notification.message.text, /unknown rule "ctypes\/truncated-pointr-result"/);
    assert.deepEqual(notification.locations[0].physicalLocation.region, { startLine: 4, startColumn: 48, endLine: 4, endColumn: 78 });
  });

  test('--report-unused-directives reports suppressions that suppress nothing, and fails the run', async () => {
    const root = tree({ 'clean.py': `${CLEAN.trimEnd()}  # ffi-lens-disable-line ctypes/truncated-pointer-result\n` });
    assert.equal((await cli(['scan'], root)).status, 0);
    const { status, stderr } = await cli(['scan', '--report-unused-directives'], root);
    assert.equal(status, 1);
    assert.match(stderr, /^ffi-lens: clean\.py:4:48: warning: unused suppression of ctypes\/truncated-pointer-result: it has no finding on line 4$/m);
  });

  test('--help documents the config file and the suppression comments', async () => {
    const { stdout } = await cli(['--help'], REPO_ROOT);
    for (const text of ['.ffilens.json', '--no-config', '--config <file>', '--report-unused-directives', 'ffi-lens-disable-next-line', 'ffi-lens-disable-line', 'ffi-lens-disable-file']) {
      assert.ok(stdout.includes(text), text);
    }
  });
});
