import type { Node } from 'web-tree-sitter';
import type { DeclaredVariable } from './declarations';
import { membersOf } from './scope';
import { findFunctionsByTokens, readTokenParameter, type TokenFunction } from './token-functions';
import { isNameToken } from './tokens';

/*
 * The CPython C-API as seen from an extension's source: which names are API calls, which of them
 * are legal without the GIL, where a function runs with the GIL released, and which types are
 * Python objects.
 */

/** What a token does to the GIL of the thread running it. */
type GilEvent = 'release' | 'acquire' | 'ensure' | 'unensure';

/** Macros used as statements. */
const STATEMENT_MARKERS: ReadonlyMap<string, GilEvent> = new Map([
  ['Py_BEGIN_ALLOW_THREADS', 'release'],
  ['Py_UNBLOCK_THREADS', 'release'],
  ['Py_END_ALLOW_THREADS', 'acquire'],
  ['Py_BLOCK_THREADS', 'acquire'],
  // C++ guards that hold their state until the end of the block: pybind11, nanobind, OpenCV.
  ['gil_scoped_release', 'release'],
  ['gil_scoped_acquire', 'ensure'],
  ['PyAllowThreads', 'release'],
  ['PyEnsureGIL', 'ensure'],
]);
const GUARDS = new Set(['gil_scoped_release', 'gil_scoped_acquire', 'PyAllowThreads', 'PyEnsureGIL']);
/** Projects' own spellings of the pair: `NPY_BEGIN_THREADS`, `pyg_begin_allow_threads`, `PyCbObj_END_ALLOW_THREADS`. */
const ALIAS_MARKER = /^\w+_(BEGIN|END)_(?:ALLOW_)?THREADS$/i;
/** Functions, recognised when called. */
const CALL_MARKERS: ReadonlyMap<string, GilEvent> = new Map([
  ['PyEval_SaveThread', 'release'],
  ['PyEval_ReleaseThread', 'release'],
  ['PyEval_ReleaseLock', 'release'],
  ['PyEval_RestoreThread', 'acquire'],
  ['PyEval_AcquireThread', 'acquire'],
  ['PyEval_AcquireLock', 'acquire'],
  ['PyGILState_Ensure', 'ensure'],
  ['PyGILState_Release', 'unensure'],
  // Pillow's pair around PyEval_SaveThread / PyEval_RestoreThread, used by its codecs and plugins.
  ['ImagingSectionEnter', 'release'],
  ['ImagingSectionLeave', 'acquire'],
]);
const REACQUIRED_BY: Readonly<Record<string, string>> = {
  Py_UNBLOCK_THREADS: 'Py_BLOCK_THREADS',
  PyEval_SaveThread: 'PyEval_RestoreThread',
  PyEval_ReleaseThread: 'PyEval_AcquireThread',
  PyEval_ReleaseLock: 'PyEval_AcquireLock',
  ImagingSectionEnter: 'ImagingSectionLeave',
  gil_scoped_release: 'the end of its block',
  PyAllowThreads: 'the end of its block',
};

function eventOf(tokens: readonly Node[], index: number): GilEvent | undefined {
  const text = tokens[index].text;
  const marker = STATEMENT_MARKERS.get(text);
  // A guard object acts once declared (`py::gil_scoped_release release;`), not when named in a template argument.
  if (marker) return !GUARDS.has(text) || isNameToken(tokens[index + 1]) ? marker : undefined;
  if (tokens[index + 1]?.type === '(') return CALL_MARKERS.get(text);
  const alias = ALIAS_MARKER.exec(text)?.[1]?.toUpperCase();
  return alias === 'BEGIN' ? 'release' : alias === 'END' ? 'acquire' : undefined;
}

/** A stretch of one function body that runs with the GIL released. */
export interface GilReleasedSpan {
  /** The function whose body it lies in. */
  function: TokenFunction;
  /** Source offsets: tokens that start in [start, end) run without the GIL. */
  start: number;
  end: number;
  /** The token that released it: `Py_BEGIN_ALLOW_THREADS`, `Py_UNBLOCK_THREADS`, `PyEval_SaveThread`, … */
  releasedBy: Node;
}

/** The statement or call that takes the GIL back after `releasedBy`: `Py_END_ALLOW_THREADS` for `Py_BEGIN_ALLOW_THREADS`. */
export function reacquiredBy(span: GilReleasedSpan): string {
  const text = span.releasedBy.text;
  return REACQUIRED_BY[text] ?? text.replace(/BEGIN/, 'END').replace(/begin/, 'end');
}

interface GilState {
  released: boolean;
  releasedBy: Node | undefined;
  /** For each PyGILState_Ensure made while released, the token that had released the GIL. */
  ensured: Node[];
}

const MAY_RELEASE = /_THREADS|PyEval_(?:Save|Release)|gil_scoped_release|PyAllowThreads|ImagingSectionEnter/i;

/**
 * Where a function released the GIL with `Py_BEGIN_ALLOW_THREADS` … `Py_END_ALLOW_THREADS`,
 * `Py_UNBLOCK_THREADS` … `Py_BLOCK_THREADS` or `PyEval_SaveThread()` … `PyEval_RestoreThread()`,
 * minus the parts where it holds it again (`Py_BLOCK_THREADS` … `Py_UNBLOCK_THREADS`,
 * `PyGILState_Ensure()` … `PyGILState_Release()`), in source order.
 *
 * Read token by token: these macros confuse the parser (see `tokensOf`). A change made inside a
 * `{ … }` block lasts until the block closes: `if (err) { Py_BLOCK_THREADS; … return NULL; }`
 * re-acquires only on that branch, and a release made on one branch is not assumed on the next.
 */
export function findGilReleasedSpans(root: Node): GilReleasedSpan[] {
  const spans: GilReleasedSpan[] = [];
  for (const fn of findFunctionsByTokens(root)) {
    const tokens = fn.body;
    if (!tokens.some((token) => MAY_RELEASE.test(token.text))) continue;
    let state: GilState = { released: false, releasedBy: undefined, ensured: [] };
    let spanStart = 0;
    const frames: GilState[] = [];
    const close = (at: number) => {
      if (state.released && state.releasedBy && at > spanStart) {
        spans.push({ function: fn, start: spanStart, end: at, releasedBy: state.releasedBy });
      }
    };
    const switchTo = (next: GilState, at: number) => {
      close(at);
      state = next;
      spanStart = at;
    };
    tokens.forEach((token, index) => {
      if (token.type === '{') {
        frames.push({ ...state, ensured: [...state.ensured] });
        return;
      }
      if (token.type === '}') {
        const outer = frames.pop();
        if (outer && (outer.released !== state.released || outer.releasedBy !== state.releasedBy)) {
          switchTo(outer, token.startIndex);
        }
        return;
      }
      if (!isNameToken(token)) return;
      const event = eventOf(tokens, index);
      switch (event) {
        case 'release':
          if (!state.released) switchTo({ released: true, releasedBy: token, ensured: [] }, token.endIndex);
          break;
        case 'acquire':
          if (state.released) switchTo({ released: false, releasedBy: undefined, ensured: [] }, token.startIndex);
          break;
        case 'ensure':
          if (state.released && state.releasedBy) {
            switchTo({ released: false, releasedBy: undefined, ensured: [...state.ensured, state.releasedBy] }, token.startIndex);
          }
          break;
        case 'unensure': {
          const resumed = state.released ? undefined : state.ensured.at(-1);
          if (resumed) switchTo({ released: true, releasedBy: resumed, ensured: state.ensured.slice(0, -1) }, token.endIndex);
          break;
        }
      }
    });
    close(fn.end);
  }
  return spans;
}

/** The released span a byte offset lies in, if any. */
export function gilReleasedSpanAt(spans: readonly GilReleasedSpan[], index: number): GilReleasedSpan | undefined {
  return spans.find((span) => index >= span.start && index < span.end);
}

/** `PyList_Append`, `Py_INCREF`, `_PyBytes_Resize`: a name in CPython's C-API style. */
const PYTHON_API_NAME = /^_?Py[A-Za-z0-9]*_\w/;
/** C-API types, not functions: `Py_ssize_t(n)` is a C++ cast. */
const PYTHON_API_TYPES = new Set([
  'Py_ssize_t',
  'Py_hash_t',
  'Py_uhash_t',
  'Py_UCS1',
  'Py_UCS2',
  'Py_UCS4',
  'Py_UNICODE',
  'Py_buffer',
  'Py_intptr_t',
  'Py_uintptr_t',
  'Py_complex',
  'PyObject_HEAD',
  'PyObject_VAR_HEAD',
  'PyMODINIT_FUNC',
]);
/**
 * C-API names documented as callable without the GIL, or that are pure C (arithmetic and
 * formatting macros), plus the GIL's own switches.
 */
const CALLABLE_WITHOUT_GIL = new RegExp(
  '^(?:' +
    [
      // Raw memory, PyThread locks and TSS, PyMutex, raw clocks, configuration before initialisation.
      'PyMem_Raw\\w+|PyThread_\\w+|PyMutex_\\w+|PyEvent_\\w+|PyTime_\\w+Raw|_Py_atomic_\\w+',
      'PyConfig_\\w+|PyPreConfig_\\w+|PyStatus_\\w+|PyWideStringList_\\w+|Py_PreInitialize\\w*',
      // Switching the GIL and thread states is what these are for.
      'PyGILState_\\w+|PyThreadState_\\w+|_PyThreadState_UncheckedGet|PyInterpreterState_\\w+',
      'PyEval_(?:SaveThread|RestoreThread|AcquireThread|ReleaseThread|AcquireLock|ReleaseLock|ThreadsInitialized|InitThreads)',
      'Py_(?:BEGIN_ALLOW_THREADS|END_ALLOW_THREADS|BLOCK_THREADS|UNBLOCK_THREADS)',
      // Documented as safe from any thread.
      'Py_(?:IsInitialized|IsFinalizing|FatalError|Exit|AddPendingCall|DecodeLocale|EncodeLocale)|_Py_IsFinalizing',
      'PyErr_SetInterrupt(?:Ex)?|Py_Get(?:Version|Platform|Compiler|BuildInfo|Copyright)',
      // Pure C: string helpers and macros that compute on C values.
      'PyOS_(?:snprintf|vsnprintf|mystrnicmp|mystrcmp|stricmp|strnicmp|strtol|strtoul)',
      'Py_(?:MIN|MAX|ABS|ARRAY_LENGTH|CHARMASK|SAFE_DOWNCAST|UNUSED|UNREACHABLE|STRINGIFY|ALIGN_UP|ALIGN_DOWN)',
      'Py_(?:SIZE_ROUND_UP|SIZE_ROUND_DOWN|IS_ALIGNED|MEMBER_SIZE|BUILD_ASSERT|BUILD_ASSERT_EXPR|LL|ULL)',
      'Py_(?:IS_NAN|IS_INFINITY|IS_FINITE|DEPRECATED|ALIGNED|LOCAL|LOCAL_INLINE)|Py_UNICODE_(?:IS|TO)\\w+|PyDoc_\\w+',
    ].join('|') +
    ')$',
);

/** True for a name that, called, is a CPython C-API function or macro (not a type). */
export function isPythonApiName(name: string): boolean {
  return PYTHON_API_NAME.test(name) && !PYTHON_API_TYPES.has(name);
}

/** True for the few C-API functions and macros that may run while the GIL is released. */
export function isCallableWithoutGil(name: string): boolean {
  return CALLABLE_WITHOUT_GIL.test(name);
}

/** CPython's own object structs: every field of them belongs to the interpreter. */
const CPYTHON_OBJECT_TYPES = new Set([
  'PyObject',
  'PyVarObject',
  'PyTypeObject',
  'PyHeapTypeObject',
  'PyListObject',
  'PyTupleObject',
  'PyDictObject',
  'PySetObject',
  'PyBytesObject',
  'PyByteArrayObject',
  'PyUnicodeObject',
  'PyASCIIObject',
  'PyCompactUnicodeObject',
  'PyLongObject',
  'PyFloatObject',
  'PyComplexObject',
  'PySliceObject',
  'PyCellObject',
  'PyMethodObject',
  'PyFunctionObject',
  'PyCFunctionObject',
  'PyCMethodObject',
  'PyModuleObject',
  'PyCodeObject',
  'PyFrameObject',
  'PyGenObject',
  'PyCoroObject',
  'PyMemoryViewObject',
  'PyBaseExceptionObject',
  'PyOSErrorObject',
  'PyWeakReference',
  'PyDescrObject',
]);
const HEAD_MACROS = new Set(['PyObject_HEAD', 'PyObject_VAR_HEAD']);
/** `XXH32_state_t *state;` as left after a `PyObject_HEAD` the parser took for a type. */
const FIELD_AFTER_HEAD = /^\s*(?:const\s+)?(?:(struct|union)\s+)?(\w+)\s*(\**)\s*(\w+)\s*;?\s*$/;

/** Python object types as one file declares them. */
export interface PythonObjectTypes {
  /** True for `PyObject`, CPython's object structs and this file's structs that start with `PyObject_HEAD`. */
  isObjectType(typeName: string | undefined): boolean;
  /** True for CPython's own object structs (`PyObject`, `PyListObject`, …). */
  isInterpreterType(typeName: string | undefined): boolean;
  /**
   * For an object struct of this file, the names of its fields that hold Python objects
   * (`PyObject *callback`) or belong to its header (`ob_refcnt`, `ob_type`, `ob_base`).
   */
  objectFieldsOf(typeName: string): ReadonlySet<string> | undefined;
}

/** The type a field really has, when `PyObject_HEAD` without a `;` made the parser merge it into the header. */
function fieldType(member: DeclaredVariable): { typeName: string | undefined; pointerDepth: number } {
  const type = member.declaration.childForFieldName('type');
  if (!type || !HEAD_MACROS.has(type.text)) return member;
  const rest = member.declaration.text.slice(type.endIndex - member.declaration.startIndex);
  const match = FIELD_AFTER_HEAD.exec(rest);
  if (!match) return { typeName: undefined, pointerDepth: 0 };
  return { typeName: match[1] ? `${match[1]} ${match[2]}` : match[2], pointerDepth: match[3].length };
}

/** True when a struct body starts like a Python object: `PyObject_HEAD`, or an embedded `PyObject ob_base`. */
function startsLikeObject(body: Node): boolean {
  const first = body.namedChildren.find((child) => child !== null && child.type !== 'comment');
  if (first?.type !== 'field_declaration') return false;
  const type = first.childForFieldName('type')?.text ?? '';
  if (HEAD_MACROS.has(type)) return true;
  const declarator = first.childForFieldName('declarator');
  return CPYTHON_OBJECT_TYPES.has(type) && declarator?.type === 'field_identifier';
}

/** True when a C++ class derives from `PyObject`. */
function derivesFromObject(specifier: Node): boolean {
  const bases = specifier.namedChildren.find((child) => child?.type === 'base_class_clause');
  return (bases?.namedChildren ?? []).some((base) => base !== null && CPYTHON_OBJECT_TYPES.has(base.text.replace(/^::/, '')));
}

/** The names a struct goes by: `struct conn`, `conn`, and its typedef names. */
function namesOf(specifier: Node): string[] {
  const names: string[] = [];
  const name = specifier.childForFieldName('name');
  if (name) names.push(name.text, `${specifier.child(0)?.type ?? 'struct'} ${name.text}`);
  const definition = specifier.parent;
  if (definition?.type === 'type_definition') {
    for (const declarator of definition.childrenForFieldName('declarator')) {
      if (declarator?.type === 'type_identifier') names.push(declarator.text);
    }
  }
  return names;
}

export function readPythonObjectTypes(root: Node): PythonObjectTypes {
  const bodies = new Map<string, Node>();
  for (const specifier of root.descendantsOfType(['struct_specifier', 'class_specifier'])) {
    const body = specifier?.childForFieldName('body');
    if (!specifier || !body || !(startsLikeObject(body) || derivesFromObject(specifier))) continue;
    for (const name of namesOf(specifier)) bodies.set(name, body);
  }
  const isInterpreterType = (typeName: string | undefined) => typeName !== undefined && CPYTHON_OBJECT_TYPES.has(typeName);
  const isObjectType = (typeName: string | undefined) =>
    typeName !== undefined && (CPYTHON_OBJECT_TYPES.has(typeName) || bodies.has(typeName));
  const fields = new Map<Node, Set<string>>();
  const objectFieldsOf = (typeName: string) => {
    const body = bodies.get(typeName);
    if (!body) return undefined;
    let names = fields.get(body);
    if (!names) {
      names = new Set(['ob_refcnt', 'ob_type', 'ob_size', 'ob_base']);
      for (const member of membersOf(body)) {
        const type = fieldType(member);
        if (type.pointerDepth > 0 && isObjectType(type.typeName)) names.add(member.name);
      }
      fields.set(body, names);
    }
    return names;
  };
  return { isObjectType, isInterpreterType, objectFieldsOf };
}

/** `Py*Object` by CPython's naming habit: `PyGObject`, `PyCursesWindowObject`. */
const OBJECT_TYPE_NAME = /^Py\w*Object$/;

/**
 * True when a function takes a Python object: a method or module function
 * (`PyObject *self, PyObject *args`, METH_FASTCALL's `PyObject *const *args`), a type slot taking
 * `MyObject *self`, a converter. Such a function runs with the GIL held.
 */
export function takesPythonObjects(fn: TokenFunction, types: PythonObjectTypes): boolean {
  return fn.parameters.map(readTokenParameter).some(
    (parameter) =>
      parameter.pointerDepth > 0 &&
      (types.isObjectType(parameter.typeName) || OBJECT_TYPE_NAME.test(parameter.typeName ?? '')),
  );
}
