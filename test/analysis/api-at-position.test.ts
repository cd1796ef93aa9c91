import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { apiMentionAt } from '../../server/analysis/api-at-position';
import { ApiNotes } from '../../server/content/api-notes';
import type { LanguageId } from '../../server/engine/languages';
import { parseSnippet } from '../support/parse';
import { REPO_ROOT } from '../support/paths';

const notes = ApiNotes.load(path.join(REPO_ROOT, 'content'));
const CURSOR = '¦';

/** The title of the note for the position marked `¦` (just before the character hovered), if any. */
async function noteAt(language: LanguageId, marked: string): Promise<string | undefined> {
  const offset = marked.indexOf(CURSOR);
  assert.ok(offset >= 0, `no ${CURSOR} in ${marked}`);
  const before = marked.slice(0, offset).split('\n');
  const position = { line: before.length - 1, column: before[before.length - 1].length };
  const tree = await parseSnippet(language, marked.replace(CURSOR, ''));
  try {
    const mention = apiMentionAt(tree.rootNode, language, position);
    return mention && notes.find(language, mention.keys)?.title;
  } finally {
    tree.delete();
  }
}

type Case = [marked: string, title: string | undefined];

function cases(language: LanguageId, list: Case[]): void {
  describe(language, () => {
    for (const [marked, title] of list) {
      test(`${marked.replace(/\s+/g, ' ').trim()} → ${title ?? 'no note'}`, async () => {
        assert.equal(await noteAt(language, marked), title);
      });
    }
  });
}

cases('python', [
  ['lib.f.¦restype = ctypes.c_void_p', 'ctypes `restype`'],
  ['lib.f.res¦type = ctypes.c_void_p', 'ctypes `restype`'],
  ['lib.f.¦argtypes = [ctypes.c_char_p]', 'ctypes `argtypes`'],
  ['lib.f.¦errcheck = check', 'ctypes `errcheck`'],
  ['CB = ctypes.¦CFUNCTYPE(None, ctypes.c_int)', 'ctypes callback types (`CFUNCTYPE`)'],
  ['CB = ¦WINFUNCTYPE(None)', 'ctypes callback types (`CFUNCTYPE`)'],
  ['lib = ctypes.¦CDLL("libfoo.so")', 'ctypes `CDLL` and `PyDLL`'],
  ['api = ¦PyDLL(None)', 'ctypes `CDLL` and `PyDLL`'],
  ['ffi.¦cdef("int f(int);")', 'cffi `ffi.cdef`'],
  ['ffibuilder.¦cdef("int f(int);")', 'cffi `ffi.cdef`'],
  ['self._ffi.¦cdef("int f(int);")', 'cffi `ffi.cdef`'],
  ['lib = ffi.¦dlopen("libfoo.so")', 'cffi `ffi.dlopen`'],
  ['cb = ffi.¦callback("int(int)", f)', 'cffi `ffi.callback`'],
  ['@ffi.¦def_extern()\ndef on_event(x):\n    return 0', 'cffi `ffi.def_extern`'],
  ['p = ffi.¦gc(lib.make(), lib.destroy)', 'cffi `ffi.gc`'],
  ['p = ¦ffi.gc(lib.make(), lib.destroy)', 'cffi `ffi.gc`'],
  ['buf = ffi.¦new("char[]", 64)', 'cffi `ffi.new`'],
  // near-misses
  ['¦restype = "int"', undefined],
  ['def ¦restype(self):\n    return 1', undefined],
  ['print(¦restype)', undefined],
  ['button.¦callback(event)', undefined],
  ['gc.¦collect()', undefined],
  ['self.¦gc(x)', undefined],
  ['x = "restype ¦argtypes"', undefined],
  ['# f.¦restype = c_int', undefined],
]);

cases('c', [
  ['void f(void) {\n  ¦Py_BEGIN_ALLOW_THREADS\n  work();\n  Py_END_ALLOW_THREADS\n}', 'CPython `Py_BEGIN_ALLOW_THREADS`'],
  ['void f(void) {\n  Py_BEGIN_ALLOW_THREADS\n  work();\n  ¦Py_END_ALLOW_THREADS\n}', 'CPython `Py_BEGIN_ALLOW_THREADS`'],
  ['void f(void) { PyGILState_STATE s = ¦PyGILState_Ensure(); }', 'CPython `PyGILState_Ensure`'],
  ['void f(PyObject *o) { ¦Py_DECREF(o); }', 'CPython `Py_INCREF` and `Py_DECREF`'],
  ['void f(PyObject *a) { int x; ¦PyArg_ParseTuple(a, "i", &x); }', 'CPython `PyArg_ParseTuple`'],
  ['void f(JavaVM *vm) { JNIEnv *env; (*vm)->¦AttachCurrentThread(vm, (void **)&env, NULL); }', 'JNI `AttachCurrentThread`'],
  ['void f(JavaVM *vm) { (*vm)->¦DetachCurrentThread(vm); }', 'JNI `DetachCurrentThread`'],
  ['void f(¦JNIEnv *env) {}', 'JNI `JNIEnv`'],
  ['void f(JNIEnv *env, jobject o) { g = (*env)->¦NewGlobalRef(env, o); }', 'JNI `NewGlobalRef`'],
  ['void f(JNIEnv *env, jobject o) { (*env)->¦DeleteLocalRef(env, o); }', 'JNI `DeleteLocalRef`'],
  ['void f(JNIEnv *env) { if ((*env)->¦ExceptionCheck(env)) return; }', 'JNI `ExceptionCheck`'],
  ['void f(JNIEnv *env, jarray a) { void *p = (*env)->¦GetPrimitiveArrayCritical(env, a, 0); }', 'JNI `GetPrimitiveArrayCritical`'],
  ['void f(JNIEnv *env, jbyteArray a) { jbyte *p = (*env)->¦GetByteArrayElements(env, a, NULL); }', 'JNI `Get<Type>ArrayElements`'],
  ['jint JNI_OnLoad(JavaVM *vm, void *r) { return (*env)->¦RegisterNatives(env, c, m, 1); }', 'JNI `RegisterNatives`'],
  ['static ¦JavaVM *g_vm;', 'JNI `JavaVM`'],
  ['void f(JNIEnv *env, jstring s) { const char *c = (*env)->¦GetStringUTFChars(env, s, NULL); }', 'JNI `GetStringUTFChars`'],
  ['void f(napi_env env, napi_value v) { napi_ref r; ¦napi_create_reference(env, v, 1, &r); }', 'N-API `napi_create_reference`'],
  ['napi_value f(napi_env env) { ¦napi_create_async_work(env, 0, n, ex, co, d, &w); }', 'N-API `napi_create_async_work`'],
  ['static ¦napi_threadsafe_function tsfn;', 'N-API `napi_threadsafe_function`'],
  ['void f(napi_env env) { ¦napi_call_function(env, g, fn, 0, NULL, &r); }', 'N-API `napi_call_function`'],
  ['#ifdef __cplusplus\n¦extern "C" {\n#endif\nint f(void);', 'C++ `extern "C"`'],
  // near-misses: a function of one's own with the same name is a definition, not a use
  ['static void ¦Py_DECREF(PyObject *o) {}', undefined],
  ['int ¦restype;', undefined],
  ['struct s { int ¦as_ptr; };', undefined],
]);

cases('cpp', [
  ['void f(JNIEnv *env, jobject o) { g = env->¦NewGlobalRef(o); }', 'JNI `NewGlobalRef`'],
  ['class W : public Napi::¦AsyncWorker {};', 'node-addon-api `Napi::AsyncWorker`'],
  ['class W : public ¦Napi::AsyncWorker {};', 'node-addon-api `Napi::AsyncWorker`'],
  ['auto t = Napi::¦ThreadSafeFunction::New(env, fn, "n", 0, 1);', 'node-addon-api `Napi::ThreadSafeFunction`'],
  ['auto t = Napi::ThreadSafeFunction::¦New(env, fn, "n", 0, 1);', 'node-addon-api `Napi::ThreadSafeFunction`'],
  ['¦extern "C" int add(int a, int b);', 'C++ `extern "C"`'],
  ['extern ¦"C" { int add(int a, int b); }', 'C++ `extern "C"`'],
  ['extern "C" { int ¦add(int a, int b); }', undefined],
  ['extern "C" { int add(int a, int b); ¦}', undefined],
  ['¦extern "C++" int add(int a, int b);', undefined],
  ['void f() { Py_BEGIN_ALLOW_THREADS work(); ¦Py_END_ALLOW_THREADS }', 'CPython `Py_BEGIN_ALLOW_THREADS`'],
  // near-misses
  ['class W : public ¦AsyncWorker {};', undefined],
  ['auto w = my::¦AsyncWorker();', undefined],
]);

cases('java', [
  ['class A { void f() { try (¦Arena arena = Arena.ofConfined()) {} } }', 'Panama `Arena`'],
  ['class A { void f() { try (Arena arena = Arena.¦ofConfined()) {} } }', 'Panama `Arena`'],
  ['class A { void f() { var a = Arena.¦ofAuto(); } }', 'Panama `Arena`'],
  ['class A { void f() { var s = Linker.nativeLinker().¦upcallStub(h, d, arena); } }', 'Panama `Linker.upcallStub`'],
  ['class A { void f() { var h = linker.¦downcallHandle(addr, desc); } }', 'Panama `downcallHandle`'],
  ['class A { void f() { ¦SymbolLookup l = SymbolLookup.loaderLookup(); } }', 'Panama `SymbolLookup`'],
  ['class A { static final ¦FunctionDescriptor D = FunctionDescriptor.of(JAVA_INT, ADDRESS); }', 'Panama `FunctionDescriptor`'],
  ['class A { static final FunctionDescriptor D = FunctionDescriptor.¦ofVoid(ADDRESS); }', 'Panama `FunctionDescriptor`'],
  ['class A { void f() { var s = p.¦reinterpret(64); } }', 'Panama `MemorySegment.reinterpret`'],
  // near-misses: an unrelated method of the same name on something else, an `arena` variable
  ['class A { void f() { x.¦ofConfined(); } }', undefined],
  ['class A { void f() { use(¦arena); } }', undefined],
  ['class A { void ¦upcallStub() {} }', undefined],
]);

cases('go', [
  ['package p\nfunc f() { p := C.¦CString("x") }', 'cgo `C.CString`'],
  ['package p\nfunc f() { p := ¦C.CString("x") }', 'cgo `C.CString`'],
  ['package p\nfunc f() { s := C.¦GoString(p) }', 'cgo `C.GoString`'],
  ['package p\nfunc f() { defer C.¦free(unsafe.Pointer(p)) }', 'cgo `C.free`'],
  ['package p\nfunc f() { p := C.¦malloc(16) }', 'cgo `C.malloc`'],
  ['package p\nfunc f() { h := cgo.¦NewHandle(v) }', 'cgo `cgo.NewHandle`'],
  ['package p\nfunc f() { var pin runtime.¦Pinner }', 'cgo `runtime.Pinner`'],
  ['package p\n¦//export goCallback\nfunc goCallback() {}', 'cgo `//export`'],
  ['package p\n//ex¦port goCallback\nfunc goCallback() {}', 'cgo `//export`'],
  // near-misses
  ['package p\nfunc f() { s := strings.¦CString("x") }', undefined],
  ['package p\nfunc f() { ¦CString("x") }', undefined],
  ['package p\n// ¦export goCallback is not a directive\nfunc goCallback() {}', undefined],
  ['package p\nfunc f() {\n\tx := 1 ¦//export later\n}', undefined],
  ['package p\nfunc f() { p.¦free() }', undefined],
]);

cases('rust', [
  ['fn f() { let s = ¦CString::new("x").unwrap(); }', 'Rust `CString`'],
  ['fn f() { let s = CString::¦new("x").unwrap(); }', 'Rust `CString`'],
  ['fn f(s: &std::ffi::¦CString) {}', 'Rust `CString`'],
  ['fn f(p: *const c_char) { let s = unsafe { ¦CStr::from_ptr(p) }; }', 'Rust `CStr`'],
  ['fn f() { let p = s.¦as_ptr(); }', 'Rust `as_ptr`'],
  ['fn f() { let p = Box::¦into_raw(b); }', 'Rust `into_raw` and `from_raw`'],
  ['fn f() { let p = s.¦into_raw(); }', 'Rust `into_raw` and `from_raw`'],
  ['fn f() { drop(unsafe { CString::¦from_raw(p) }); }', 'Rust `into_raw` and `from_raw`'],
  ['¦#[no_mangle]\npub extern "C" fn f() {}', 'Rust `#[no_mangle]`'],
  ['#[¦no_mangle]\npub extern "C" fn f() {}', 'Rust `#[no_mangle]`'],
  ['#[unsafe(¦no_mangle)]\npub extern "C" fn f() {}', 'Rust `#[no_mangle]`'],
  ['#[repr(¦C)]\nstruct S { x: i32 }', 'Rust `#[repr(C)]`'],
  ['#[repr(C, packed)]\n¦struct S { x: i32 }', undefined],
  ['#[¦repr(C, packed)]\nstruct S { x: i32 }', 'Rust `#[repr(C)]`'],
  ['#[no_mangle]\npub ¦extern "C" fn f() {}', 'Rust `extern "C"`'],
  ['¦extern "C" { fn g(); }', 'Rust `extern "C"`'],
  ['fn f() { let r = std::panic::¦catch_unwind(|| 1); }', 'Rust `catch_unwind`'],
  // near-misses
  ['#[¦repr(u8)]\nenum E { A }', undefined],
  ['#[¦derive(Debug)]\nstruct S;', undefined],
  ['extern "C" { fn ¦g(); }', undefined],
  ['fn ¦catch_unwind() {}', undefined],
  ['¦extern crate libc;', undefined],
  ['fn f() { let x = ¦into_raw; }', undefined],
  ['fn f() { let s = ¦String::new(); }', undefined],
]);

describe('API notes file', () => {
  test('a malformed file throws, or is reported and gives no notes when a reporter is passed', async () => {
    const fs = await import('node:fs');
    const os = await import('node:os');
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'api-notes-'));
    try {
      fs.writeFileSync(path.join(root, 'apis.md'), '---\ntitle: x\n---\n# x\n\n## broken\n\n- Names: `a`\n\nNo languages.\n');
      assert.throws(() => ApiNotes.load(root), /missing "- Languages:"/);
      const reported: string[] = [];
      assert.equal(ApiNotes.load(root, (message) => reported.push(message)).notes.length, 0);
      assert.match(reported[0], /missing "- Languages:"/);
      fs.writeFileSync(path.join(root, 'apis.md'), '## a\n\n- Names: `a`\n- Languages: go\n- Questions: 1\n\nOne. Two.\n\n## b\n\n- Names: `a`\n- Languages: go\n- Questions: 1\n\nOne. Two.\n');
      assert.throws(() => ApiNotes.load(root), /two API notes for a in go/);
    } finally {
      fs.rmSync(root, { recursive: true });
    }
  });
});
