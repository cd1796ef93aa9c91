import type { Node } from 'web-tree-sitter';
import {
  ALLOCATING_WHEN_NULL,
  allocatingReason,
  documentedDeallocator,
  isDeallocator,
  isMemoryDeallocator,
  saysCallerFrees,
} from '../../analysis/c/ownership';
import { LIBRARY_LOADING_WORDS, readCtypesBindings, type CtypesBindings, type ForeignFunction } from '../../analysis/python/ctypes-bindings';
import { loadsCRuntime, readLibraryLoads } from '../../analysis/python/ctypes-loaders';
import { ForeignDocs } from '../../analysis/python/foreign-docs';
import { receiversOfResult } from '../../analysis/python/result-flow';
import { defineRule, type RuleContext } from '../../engine/rule';

/** C runtime allocators: reached through any handle, `dlsym` finds libc's own, so libc's free matches. */
const C_RUNTIME_ALLOCATORS = new Set(['malloc', 'calloc', 'realloc', 'reallocarray', 'aligned_alloc', 'memalign', 'valloc', 'strdup', 'strndup', 'wcsdup']);
/** Result types that ctypes converts to a Python object, keeping no trace of the address. */
const CONVERTED_STRINGS: Readonly<Record<string, { copy: string; reader: string }>> = {
  c_char_p: { copy: 'a bytes object', reader: 'string_at' },
  c_wchar_p: { copy: 'a str', reader: 'wstring_at' },
};

/** Every node naming each function: `lib.fn` attributes, `getattr(lib, "fn")`, calls through aliases. */
function referencesByFunction(root: Node, bindings: CtypesBindings): Map<string, Node[]> {
  const references = new Map<string, Node[]>();
  for (const node of root.descendantsOfType(['attribute', 'call'])) {
    if (node.type === 'call' && node.childForFieldName('function')?.text !== 'getattr') continue;
    const fn = bindings.resolve(node);
    if (fn) references.set(fn.key, [...(references.get(fn.key) ?? []), node]);
  }
  for (const fn of bindings.functions.values()) {
    for (const statement of fn.aliases.values()) references.set(fn.key, [...(references.get(fn.key) ?? []), statement]);
  }
  return references;
}

/** How code here names a call's function: `lib.fn` or the alias it was called through. */
function writtenName(call: Node, fn: ForeignFunction): string {
  const callee = call.childForFieldName('function');
  return callee?.type === 'attribute' || callee?.type === 'identifier' ? callee.text : fn.key;
}

function isNone(node: Node | undefined): boolean {
  return node?.type === 'none' || node?.text === '0';
}

interface OwnedResult {
  why: string;
  deallocator?: string;
}

export default defineRule({
  id: 'ctypes/mismatched-free',
  languages: ['python'],
  severity: 'warning',
  questions: [5, 4],
  description: 'Memory from one library is released by another\'s deallocator, or an owned string result is declared c_char_p and leaks.',
  messages: {
    foreignFree:
      '`{{free}}` is the C runtime\'s free(), but it releases the result of `{{function}}`, whose library has its own deallocator ({{deallocators}}) and may allocate from a different heap: free the result with the function that library documents.',
    ownedString:
      '`{{function}}` returns memory the caller must free ({{why}}), but `restype = {{restype}}` copies it into {{copy}} and loses the pointer, so it leaks: declare c_void_p, read it with ctypes.{{reader}}, then free it with {{deallocator}}.',
  },
  fixable: false,
  // A finding needs a deallocator, an allocating name or a comment about ownership: one of these words.
  // every finding needs a library handle the ctypes model tracks
  triggers: LIBRARY_LOADING_WORDS,
  check(context) {
    const bindings = context.shared(readCtypesBindings);
    if (bindings.handles.size === 0) return;
    const loads = readLibraryLoads(context.root, bindings);
    const cRuntime = new Set([...bindings.handles.keys()].filter((handle) => loadsCRuntime(loads.get(handle), context.root)));
    const references = referencesByFunction(context.root, bindings);
    const docs = new ForeignDocs(context.root, context.source);
    const documentation = (fn: ForeignFunction) => docs.about(fn.name, [...(references.get(fn.key) ?? []), ...fn.calls]);
    const functions = [...bindings.functions.values()];
    const memoryDeallocators = (handle: string) => functions.filter((fn) => fn.handle === handle && isMemoryDeallocator(fn.name));

    if (cRuntime.size > 0) reportForeignFrees(context, bindings, functions, cRuntime, memoryDeallocators, documentation);

    for (const fn of functions) {
      const restype = fn.restype;
      const restypeName = Object.keys(CONVERTED_STRINGS).find((member) => restype && bindings.names.isMember(restype, member));
      if (!restype || !restypeName) continue;
      const owned = ownedResult(fn, bindings, cRuntime, memoryDeallocators, documentation);
      if (!owned) continue;
      const declared = restype.parent?.type === 'assignment' ? restype.parent.childForFieldName('left')?.childForFieldName('object') : undefined;
      context.report({
        node: restype,
        messageId: 'ownedString',
        data: {
          function: declared?.text ?? fn.key,
          why: owned.why,
          restype: restype.text,
          ...CONVERTED_STRINGS[restypeName],
          deallocator: owned.deallocator ?? 'the deallocator its documentation names',
        },
      });
    }
  },
});

/** `libc.free(lib.fn(...))`, directly or through a local variable, when `lib` has a deallocator of its own. */
function reportForeignFrees(
  context: RuleContext,
  bindings: CtypesBindings,
  functions: readonly ForeignFunction[],
  cRuntime: ReadonlySet<string>,
  memoryDeallocators: (handle: string) => ForeignFunction[],
  documentation: (fn: ForeignFunction) => string,
): void {
  const reported = new Set<number>();
  for (const fn of functions) {
    if (cRuntime.has(fn.handle) || isDeallocator(fn.name) || C_RUNTIME_ALLOCATORS.has(fn.name)) continue;
    const own = memoryDeallocators(fn.handle);
    if (own.length === 0) continue;
    for (const call of fn.calls) {
      for (const receiver of receiversOfResult(call, bindings.names)) {
        const callee = receiver.call.childForFieldName('function');
        const free = callee ? bindings.resolve(callee) : undefined;
        if (!callee || free?.name !== 'free' || !cRuntime.has(free.handle) || reported.has(receiver.call.id)) continue;
        if (documentedDeallocator(documentation(fn)) === 'free') continue;
        reported.add(receiver.call.id);
        context.report({
          node: callee,
          messageId: 'foreignFree',
          data: { free: callee.text, function: writtenName(call, fn), deallocators: own.map((dealloc) => `${dealloc.key}()`).join(', ') },
        });
      }
    }
  }
}

/** Why the caller owns what `fn` returns, and what frees it; undefined when nothing here says so. */
function ownedResult(
  fn: ForeignFunction,
  bindings: CtypesBindings,
  cRuntime: ReadonlySet<string>,
  memoryDeallocators: (handle: string) => ForeignFunction[],
  documentation: (fn: ForeignFunction) => string,
): OwnedResult | undefined {
  for (const call of fn.calls) {
    for (const receiver of receiversOfResult(call, bindings.names)) {
      const callee = receiver.call.childForFieldName('function');
      const dealloc = callee ? bindings.resolve(callee) : undefined;
      if (callee && dealloc && (dealloc.name === 'free' || isDeallocator(dealloc.name))) {
        return { why: `its result goes to ${callee.text}()`, deallocator: `${callee.text}()` };
      }
    }
  }
  const libcFree = [...cRuntime].map((handle) => `${handle}.free`).find((key) => bindings.functions.has(key));
  const cFree = libcFree ? `${libcFree}()` : "the C library's free()";
  const text = documentation(fn);
  const documented = documentedDeallocator(text);
  const sameLibrary = documented && bindings.functions.has(`${fn.handle}.${documented}`) ? `${fn.handle}.${documented}()` : undefined;
  const named = documented === 'free' ? cFree : (sameLibrary ?? (documented ? `${documented}()` : undefined));
  const own = memoryDeallocators(fn.handle).map((dealloc) => `${dealloc.key}()`);
  const fallback = named ?? (cRuntime.has(fn.handle) ? cFree : own.length > 0 ? own.join(' or ') : undefined);

  const allocating = allocatingReason(fn.name);
  if (allocating) return { why: allocating, deallocator: fallback };
  const bufferIndex = ALLOCATING_WHEN_NULL.get(fn.name);
  if (bufferIndex !== undefined) {
    const allocatingCall = fn.calls.find((call) => {
      const args = call.childForFieldName('arguments')?.namedChildren ?? [];
      return isNone(args[bufferIndex]);
    });
    if (allocatingCall) return { why: `${fn.name}() allocates its result when the buffer is NULL`, deallocator: fallback };
  }
  if (saysCallerFrees(text)) return { why: 'a comment here says the caller frees it', deallocator: fallback };
  return undefined;
}
