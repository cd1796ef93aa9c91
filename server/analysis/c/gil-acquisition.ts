import type { Node } from 'web-tree-sitter';
import { calleeName } from './calls';
import { isCallableWithoutGil, isPythonApiName } from './cpython';
import { resolveFunction, walkBody, type DefinedFunction } from './functions';

/*
 * Whether code that starts without the GIL (a thread routine, a library callback) takes it before
 * its first C-API call. Which names are C-API calls, and which of them are legal without the GIL,
 * comes from `./cpython`; this module adds what a thread does before it holds the GIL at all.
 */

/** Calls after which the current thread holds the GIL. */
const ACQUIRES_GIL = new Set([
  'PyGILState_Ensure',
  'PyEval_RestoreThread',
  'PyEval_AcquireThread',
  'PyEval_AcquireLock',
  'Py_BLOCK_THREADS',
  'Py_END_ALLOW_THREADS',
  'Py_Initialize',
  'Py_InitializeEx',
  'Py_InitializeFromConfig',
  'Py_Main',
  'Py_BytesMain',
  'Py_RunMain',
]);

/** Calls that give the GIL (or the thread state) back. */
const RELEASES_GIL = new Set([
  'PyGILState_Release',
  'PyEval_SaveThread',
  'PyEval_ReleaseThread',
  'PyEval_ReleaseLock',
  'Py_UNBLOCK_THREADS',
  'Py_BEGIN_ALLOW_THREADS',
]);

/**
 * Legal before a thread holds the GIL, beyond what `isCallableWithoutGil` lists: configuring or
 * starting the interpreter, and the thread-state bookkeeping that precedes `PyEval_AcquireThread`.
 */
const BEFORE_THE_GIL = new Set([
  'PyGILState_GetThisThreadState',
  'PyEval_InitThreads',
  'Py_Exit',
  'Py_SetProgramName',
  'Py_SetPythonHome',
  'Py_SetPath',
  'Py_SetStandardStreamEncoding',
  'PyImport_AppendInittab',
  'PyImport_ExtendInittab',
  'Py_GetVersion',
  'Py_GetPlatform',
  'Py_GetCompiler',
  'Py_GetBuildInfo',
  'Py_GetCopyright',
]);
const BEFORE_THE_GIL_FAMILY = /^(?:PyConfig_|PyPreConfig_|PyStatus_|PyWideStringList_|Py_PreInitialize|PyThreadState_New|PyThreadState_Swap|PyInterpreterState_(?:Main|Head|Get)$)/;

/** True for C-API names that need the calling thread to hold the GIL. */
export function needsGil(name: string): boolean {
  return (
    isPythonApiName(name) &&
    !isCallableWithoutGil(name) &&
    !BEFORE_THE_GIL.has(name) &&
    !BEFORE_THE_GIL_FAMILY.test(name) &&
    !ACQUIRES_GIL.has(name) &&
    !RELEASES_GIL.has(name)
  );
}

export function acquiresGil(name: string): boolean {
  return ACQUIRES_GIL.has(name);
}

export function releasesGil(name: string): boolean {
  return RELEASES_GIL.has(name);
}

/**
 * True when a name speaks of the GIL in a way this analysis cannot follow: a project wrapper
 * (`pyg_gil_state_ensure`, `gil_acquire`), a guard type (`py::gil_scoped_acquire`, `PyGILGuard`)
 * or a flag (`gil_held`).
 */
export function mentionsGil(name: string): boolean {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .toLowerCase()
    .split(/[_:]+/)
    .includes('gil');
}

/** Where a body first touches the C-API without the GIL, directly or through a helper. */
export interface UnguardedApiUse {
  /** The C-API call (or statement macro such as `Py_RETURN_NONE`) that needs the GIL. */
  api: Node;
  apiName: string;
  /** When the use is in a same-file helper: the call to that helper in the body, and the helper. */
  helperCall?: Node;
  helper?: DefinedFunction;
}

type Step = { kind: 'acquired' } | { kind: 'unknown' } | { kind: 'needs' };

/** What a name says about the GIL: taken, handled in a way this analysis cannot follow, or needed. */
function classify(name: string, isCall: boolean, isStatement: boolean): Step | undefined {
  if (acquiresGil(name)) return { kind: 'acquired' };
  // Giving the GIL back, or asking whether it is held, shows code that tracks it some other way.
  if (releasesGil(name) || name === 'PyGILState_Check') return { kind: 'unknown' };
  if (isPythonApiName(name)) {
    // Types (`PyGILState_STATE`) and constants (`Py_None` as a value) are no calls.
    return needsGil(name) && (isCall || isStatement) ? { kind: 'needs' } : undefined;
  }
  return mentionsGil(name) ? { kind: 'unknown' } : undefined;
}


/** What one node, met in document order, says about the GIL. */
function useAt(
  node: Node,
  functions: ReadonlyMap<string, readonly DefinedFunction[]> | undefined,
  self: Node,
): UnguardedApiUse | 'stop' | undefined {
  if (node.type === 'call_expression') {
    const name = calleeName(node);
    if (!name) return undefined;
    const step = classify(name, true, false);
    if (step?.kind === 'needs') return { api: node, apiName: name };
    if (step) return 'stop';
    const callee = node.childForFieldName('function');
    const helper = functions && callee ? resolveFunction(callee, functions) : undefined;
    if (!helper || helper.definition.id === self.id) return undefined;
    const inner = firstUnguardedApiUse(helper.body, undefined, helper.definition);
    if (inner) return { api: inner.api, apiName: inner.apiName, helperCall: node, helper };
    return takesGilAndKeepsIt(helper.body) ? 'stop' : undefined;
  }
  if (node.type === 'identifier' || node.type === 'type_identifier') {
    const parent = node.parent;
    // The callee of a call is judged with its call.
    if (parent?.type === 'call_expression' && parent.childForFieldName('function')?.id === node.id) return undefined;
    // A statement macro such as `Py_RETURN_NONE;` touches objects like a call does.
    const step = classify(node.text, false, parent?.type === 'expression_statement');
    if (step?.kind === 'needs') return { api: node, apiName: node.text };
    if (step) return 'stop';
  }
  return undefined;
}

/**
 * The first place, in document order, where `body` needs the GIL before it takes it: a C-API call
 * not preceded by `PyGILState_Ensure()` (or `PyEval_RestoreThread`/`AcquireThread`). With
 * `functions`, a call to a helper this file defines counts when the helper itself starts with such
 * a use (one level deep). Anything GIL-related it cannot follow (wrappers, guard objects,
 * `PyGILState_Check()`) ends the search with no answer.
 */
export function firstUnguardedApiUse(
  body: Node,
  functions: ReadonlyMap<string, readonly DefinedFunction[]> | undefined,
  self: Node,
): UnguardedApiUse | undefined {
  for (const node of walkBody(body)) {
    const use = useAt(node, functions, self);
    if (use === 'stop') return undefined;
    if (use) return use;
  }
  return undefined;
}

/** True for a helper that takes the GIL and never gives it back: a wrapper around `PyGILState_Ensure()`. */
function takesGilAndKeepsIt(body: Node): boolean {
  let takes = false;
  for (const node of walkBody(body)) {
    if (node.type !== 'call_expression' && node.type !== 'identifier') continue;
    const name = node.type === 'call_expression' ? calleeName(node) : node.text;
    if (!name) continue;
    if (releasesGil(name)) return false;
    if (acquiresGil(name)) takes = true;
  }
  return takes;
}
