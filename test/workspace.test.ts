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
});
