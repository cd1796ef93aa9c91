import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { crateOf } from '../server/analysis/rust/crate';
import { ALL_COLLECTORS } from '../server/collectors';
import { jniShortSymbol } from '../server/collectors/jni-natives';
import { WorkspaceIndex } from '../server/engine/workspace';

describe('workspace index', () => {
  test('facts follow their file: replaced on update, gone on remove, surviving a snapshot', () => {
    const index = new WorkspaceIndex(ALL_COLLECTORS);
    const c = '/ws/jni/codec.c';
    assert.equal(index.update(c, 'c', 'JNIEXPORT jint JNICALL Java_demo_Codec_encode(JNIEnv *e) { return 0; }'), true);
    assert.equal(index.has('jni-symbol', 'Java_demo_Codec_encode'), true);
    assert.equal(index.update(c, 'c', 'JNIEXPORT jint JNICALL Java_demo_Codec_encode(JNIEnv *e) { return 1; }'), false, 'same facts: no change');
    const copy = WorkspaceIndex.fromSnapshot(index.snapshot());
    assert.deepEqual(copy.filesWith('jni-symbol', 'Java_demo_Codec_encode'), [c]);
    index.update(c, 'c', 'int nothing;');
    assert.equal(index.has('jni-symbol', 'Java_demo_Codec_encode'), false);
    assert.equal(index.complete, false, 'incomplete until told');
  });

  test('JNI: overloaded and escaped symbols are found by their short name', () => {
    const index = new WorkspaceIndex(ALL_COLLECTORS);
    index.update('/ws/a.c', 'c', 'void Java_a_b_Codec_1v2_encode___3BI(JNIEnv *env) {}\nvoid Java_a_b_Outer_00024Inner_size(JNIEnv *env) {}');
    assert.equal(index.has('jni-symbol', jniShortSymbol('a.b.Codec_v2', 'encode')), true);
    assert.equal(index.has('jni-symbol', jniShortSymbol('a.b.Outer$Inner', 'size')), true);
    assert.equal(index.has('jni-symbol', jniShortSymbol('a.b.Outer', 'size')), false);
  });

  test('Cargo.toml: crate root, C library crate types, bindgen', () => {
    const index = new WorkspaceIndex(ALL_COLLECTORS);
    const root = path.resolve('/ws/greeter');
    index.update(path.join(root, 'Cargo.toml'), undefined, '[package]\nname = "greeter"\n\n[lib]\ncrate-type = ["rlib", "cdylib"]\n\n[build-dependencies]\nbindgen = "0.69"\n');
    index.update(path.resolve('/ws/tool/Cargo.toml'), undefined, '[package]\nname = "tool"\n[dependencies]\nserde = "1"\n');
    assert.deepEqual(crateOf(path.join(root, 'src', 'ffi', 'mod.rs'), index), { dir: root, buildsCLibrary: true, usesBindgen: true });
    assert.deepEqual(crateOf(path.resolve('/ws/tool/src/main.rs'), index), { dir: path.resolve('/ws/tool'), buildsCLibrary: false, usesBindgen: false });
    assert.equal(crateOf(path.resolve('/elsewhere/lib.rs'), index), undefined);
  });

  test('symbols bindings look up by name: ctypes, cffi, cgo, Rust extern blocks, Panama', () => {
    const index = new WorkspaceIndex(ALL_COLLECTORS);
    index.update('/ws/a.py', 'python', 'import ctypes\n_lib = ctypes.CDLL("libc.so.6")\n_lib.img_open("x")\nfn = getattr(_lib, "img_close")\nffi.lib.LLVMPY_Run.restype = None\nself._cfn.argtypes = []\n');
    index.update('/ws/b.py', 'python', 'ffi.cdef("""\n    typedef struct { int x; } p;\n    int geo_area(const p *a);\n""")\n');
    index.update('/ws/c.go', 'go', 'package x\n\n// int sum(int);\nimport "C"\n\nfunc f() { C.sum(1); C.CString("a") }\n');
    index.update('/ws/d.rs', 'rust', 'extern "C" {\n    fn tok_new() -> i32;\n    #[link_name = "tok_free_v2"]\n    fn tok_free();\n}\npub extern "C" fn mine() {}\n');
    index.update('/ws/E.java', 'java', 'class E { static final MemorySegment F = SymbolLookup.loaderLookup().find("geo_perimeter").orElseThrow(); }');
    for (const [kind, name] of [
      ['ctypes-symbol', 'img_open'],
      ['ctypes-symbol', 'img_close'],
      ['ctypes-symbol', 'LLVMPY_Run'],
      ['cffi-symbol', 'geo_area'],
      ['cgo-symbol', 'sum'],
      ['rust-extern-symbol', 'tok_new'],
      ['rust-extern-symbol', 'tok_free_v2'],
      ['panama-symbol', 'geo_perimeter'],
    ]) {
      assert.equal(index.has(kind, name), true, `${kind} ${name}`);
    }
    for (const [kind, name] of [
      ['ctypes-symbol', 'so'],
      ['ctypes-symbol', '_cfn'],
      ['cgo-symbol', 'CString'],
      ['rust-extern-symbol', 'tok_free'],
      ['rust-extern-symbol', 'mine'],
    ]) {
      assert.equal(index.has(kind, name), false, `${kind} ${name}`);
    }
  });

  test('headers: what they declare with and without C linkage, and which a .c file includes', () => {
    const index = new WorkspaceIndex(ALL_COLLECTORS);
    index.update('/ws/inc/api.h', 'c', '#ifdef __cplusplus\nextern "C" {\n#endif\nint api_open(void);\n#ifdef __cplusplus\n}\n#endif\nint api_plain(void);\n');
    index.update('/ws/src/tool.c', 'c', '#include "inc/api.h"\nint main(void) { return api_plain(); }\n');
    assert.equal(index.has('c-linkage-declaration', 'api_open'), true);
    assert.equal(index.has('c-linkage-declaration', 'api_plain'), false);
    assert.deepEqual(index.filesWith('plain-declaration', 'api_plain'), ['/ws/inc/api.h']);
    assert.equal(index.has('header-file', 'api.h'), true);
    assert.equal(index.has('included-by-c', 'api.h'), true);
  });
});
