import { codeOnly, fileScopeFunctions } from '../analysis/c/linkage-text';
import type { FactCollector } from '../engine/workspace';

/** A C function a Python module declares in an `ffi.cdef(…)`: cffi finds it by that name. */
export const CFFI_SYMBOL = 'cffi-symbol';

/** `.cdef("""…""")`, `.cdef('…')`, with an optional string prefix; the declarations inside. */
const CDEF = /\.cdef\s*\(\s*[rRuU]?("""|'''|"|')([\s\S]*?)\1/g;

export const cffiSymbols: FactCollector = {
  kinds: [CFFI_SYMBOL],
  languages: ['python'],
  triggers: ['cdef'],
  collect(text) {
    const names = new Set<string>();
    for (const [, , declarations] of text.matchAll(CDEF)) {
      for (const declared of fileScopeFunctions(codeOnly(declarations), [])) names.add(declared.name);
    }
    return [...names].map((value) => ({ kind: CFFI_SYMBOL, value }));
  },
};
