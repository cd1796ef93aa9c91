import * as assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  cLinkageSpans,
  codeOnly,
  definedMacros,
  fileScopeFunctions,
  isWithinSpans,
  linkageOfPrefix,
} from '../../server/analysis/c/linkage-text';

const NO_MACROS = { withCLinkage: () => false, isDefinedOtherwise: () => false };

/** Linkage read from header text, as the workspace collectors see it. */
describe('C language linkage from text', () => {
  test('the __cplusplus guard, plain blocks and DECLS macros open C linkage spans; comments and strings do not', () => {
    const text = [
      '/* extern "C" { in a comment */',
      'const char *s = "extern \\"C\\" {";',
      'int before(void);',
      '#ifdef __cplusplus',
      'extern "C" {',
      '#endif',
      'int guarded(int);',
      'struct s { int (*cb)(int); };',
      '#ifdef __cplusplus',
      '}',
      '#endif',
      'int after(void);',
      '__BEGIN_DECLS',
      'int declared(void);',
      '__END_DECLS',
    ].join('\n');
    const code = codeOnly(text);
    const spans = cLinkageSpans(code);
    assert.equal(spans.length, 2);
    const at = (name: string) => isWithinSpans(code.indexOf(`${name}(`), spans);
    assert.deepEqual(['before', 'guarded', 'after', 'declared'].map(at), [false, true, false, true]);
  });

  test('file-scope functions: prototypes and definitions, not calls inside bodies or members', () => {
    const code = codeOnly(
      'static inline int twice(int x) { return helper(x) * 2; }\n' +
        'JNIEXPORT jint JNICALL Java_a_B_run\n  (JNIEnv *, jclass);\n' +
        'int pure(int) __attribute__((pure)) NONNULL(1);\n' +
        'struct widget { void draw(void); };\n' +
        'int value = compute(3);\n',
    );
    const found = fileScopeFunctions(code, cLinkageSpans(code));
    assert.deepEqual(
      found.map((f) => f.name),
      ['twice', 'Java_a_B_run', 'pure'],
    );
    assert.match(found[1].prefix, /JNIEXPORT jint JNICALL/);
  });

  test('macros: which expand to extern "C", and what a prefix of words says', () => {
    const macros = definedMacros('#define API extern "C" __declspec(dllexport)\n#define EXPORT __attribute__((visibility("default")))\n#define WRAP(T) T\n');
    assert.deepEqual([...macros.withCLinkage], ['API']);
    assert.deepEqual([...macros.others].sort(), ['EXPORT', 'WRAP']);
    const known = { withCLinkage: (m: string) => macros.withCLinkage.has(m), isDefinedOtherwise: (m: string) => macros.others.has(m) };
    assert.equal(linkageOfPrefix('API int ', known), 'c');
    assert.equal(linkageOfPrefix('EXPORT int ', known), 'none');
    assert.equal(linkageOfPrefix('JNIEXPORT jint JNICALL ', NO_MACROS), 'none');
    assert.equal(linkageOfPrefix('PyMODINIT_FUNC ', NO_MACROS), 'c');
    assert.equal(linkageOfPrefix('MYLIB_API int ', NO_MACROS), 'unknown');
    assert.equal(linkageOfPrefix('extern "C" int ', NO_MACROS), 'c');
  });
});
