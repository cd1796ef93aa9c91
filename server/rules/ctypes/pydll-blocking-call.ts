import type { Node } from 'web-tree-sitter';
import { blockingReason } from '../../analysis/c/blocking-functions';
import { readCtypesBindings, type CtypesBindings, type ForeignFunction } from '../../analysis/python/ctypes-bindings';
import {
  readLibraryLoads,
  readPythonApiFunctions,
  soleLoaderClass,
  spellIfImported,
  type LibraryLoad,
} from '../../analysis/python/ctypes-loaders';
import { nodeRange } from '../../analysis/tree';
import { defineRule, type Fix } from '../../engine/rule';

/** Python C-API functions need the GIL: a handle used for them must stay a PyDLL. */
const PYTHON_C_API = /^_?Py/;

/** Handles looked up with a computed name (`getattr(lib, name)`, `lib[name]`): any function may hide there. */
function handlesUsedDynamically(root: Node, bindings: CtypesBindings): Set<string> {
  const dynamic = new Set<string>();
  for (const subscript of root.descendantsOfType('subscript')) {
    const value = subscript.childForFieldName('value')?.text;
    if (value && bindings.handles.has(value)) dynamic.add(value);
  }
  for (const call of root.descendantsOfType('call')) {
    if (call.childForFieldName('function')?.text !== 'getattr') continue;
    const [handle, name] = call.childForFieldName('arguments')?.namedChildren ?? [];
    if (handle && bindings.handles.has(handle.text) && name?.type !== 'string') dynamic.add(handle.text);
  }
  return dynamic;
}

/** The first place the module names each function of a handle: `lib.fn`, also in declarations. */
function firstReferences(root: Node, bindings: CtypesBindings): Map<string, Node> {
  const first = new Map<string, Node>();
  for (const node of root.descendantsOfType(['attribute', 'call'])) {
    if (node.type === 'call' && node.childForFieldName('function')?.text !== 'getattr') continue;
    const fn = bindings.resolve(node);
    if (fn && !first.has(fn.key)) first.set(fn.key, node);
  }
  return first;
}

/** `PyDLL(` → `CDLL(`, `pydll.LoadLibrary` → `cdll.LoadLibrary`, for every load of the handle. */
function loadWithCdllFix(handle: string, loads: readonly LibraryLoad[], bindings: CtypesBindings): Fix | undefined {
  const edits = [];
  for (const load of loads) {
    const spelled = spellIfImported(bindings.names, load.loaderIsClass ? 'CDLL' : 'cdll');
    if (!spelled) return undefined;
    edits.push({ range: nodeRange(load.loader), newText: spelled });
  }
  return { title: `Load ${handle} with CDLL, which releases the GIL around each call`, edits, safe: false };
}

function loaderText(load: LibraryLoad): string {
  if (load.expression.type === 'call') return load.expression.childForFieldName('function')?.text ?? load.loader.text;
  return load.expression.text;
}

export default defineRule({
  id: 'ctypes/pydll-blocking-call',
  languages: ['python'],
  severity: 'warning',
  questions: [12],
  description: 'A function that can block is called through a ctypes PyDLL handle or ctypes.pythonapi, which hold the GIL for the whole call.',
  messages: {
    pydll:
      '`{{function}}` can block ({{why}}), but `{{handle}}` comes from `{{loader}}`, which keeps the GIL held through every call, stalling all other Python threads: load it with ctypes.CDLL (releases the GIL per call) unless the function uses the Python C-API.',
    pythonapi:
      '`{{function}}` can block ({{why}}), but ctypes.pythonapi keeps the GIL held through every call, stalling all other Python threads: call it through a ctypes.CDLL handle (releases the GIL per call) unless it uses the Python C-API.',
  },
  fixable: true,
  triggers: ['PyDLL', 'pydll', 'pythonapi'],
  check(context) {
    const bindings = context.shared(readCtypesBindings);

    for (const fn of readPythonApiFunctions(context.root, bindings.names).values()) {
      const why = blockingReason(fn.name);
      const node = fn.calls[0]?.childForFieldName('function') ?? fn.references[0];
      if (!why || !node) continue;
      context.report({ node, messageId: 'pythonapi', data: { function: node.text, why } });
    }

    const loads = readLibraryLoads(context.root, bindings);
    const pydllHandles = [...loads].filter(([, handleLoads]) => soleLoaderClass(handleLoads) === 'PyDLL');
    if (pydllHandles.length === 0) return;
    const first = firstReferences(context.root, bindings);
    const dynamic = handlesUsedDynamically(context.root, bindings);
    const functions = [...bindings.functions.values()];
    for (const [handle, handleLoads] of pydllHandles) {
      const own = functions.filter((fn) => fn.handle === handle);
      const keepsPyDll = dynamic.has(handle) || own.some((fn) => PYTHON_C_API.test(fn.name));
      const fix = keepsPyDll ? undefined : loadWithCdllFix(handle, handleLoads, bindings);
      for (const fn of own) {
        const why = blockingReason(fn.name);
        const node = reportedNode(fn, first);
        if (!why || !node) continue;
        context.report({
          node,
          messageId: 'pydll',
          data: { function: node.type === 'identifier' || node.type === 'attribute' ? node.text : fn.key, why, handle, loader: loaderText(handleLoads[0]) },
          ...(fix ? { fix } : {}),
        });
      }
    }
  },
});

/** The callee of the first call, else the first reference (a declaration or an alias). */
function reportedNode(fn: ForeignFunction, first: ReadonlyMap<string, Node>): Node | undefined {
  return fn.calls[0]?.childForFieldName('function') ?? first.get(fn.key);
}
