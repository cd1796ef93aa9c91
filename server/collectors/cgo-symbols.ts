import type { FactCollector } from '../engine/workspace';

/** A C function a Go file calls through cgo (`C.name(…)`): the linker resolves it by that name. */
export const CGO_SYMBOL = 'cgo-symbol';

/** Helpers cgo itself provides, and conversions to C types: no symbol of the C side. */
const CGO_BUILTINS = new Set(['CString', 'CBytes', 'GoString', 'GoStringN', 'GoBytes']);

export const cgoSymbols: FactCollector = {
  kinds: [CGO_SYMBOL],
  languages: ['go'],
  triggers: ['"C"'],
  collect(text) {
    if (!/^\s*import\s*(?:\(\s*)?"C"/m.test(text)) return [];
    const names = new Set<string>();
    for (const [, name] of text.matchAll(/(?<![\w.])C\.([A-Za-z_]\w*)\s*\(/g)) if (!CGO_BUILTINS.has(name)) names.add(name);
    return [...names].map((value) => ({ kind: CGO_SYMBOL, value }));
  },
};
