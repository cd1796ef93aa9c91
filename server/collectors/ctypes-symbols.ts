import type { FactCollector } from '../engine/workspace';

/** A C symbol a Python module reaches through a ctypes library handle, by name. */
export const CTYPES_SYMBOL = 'ctypes-symbol';

/** `lib = CDLL(…)`, `ctypes.cdll.LoadLibrary(…)`, `np.ctypeslib.load_library(…)`, `ctypes.cdll.foo`. */
const HANDLE_ASSIGNMENT =
  /^[ \t]*((?:[A-Za-z_]\w*\.)*([A-Za-z_]\w*))[ \t]*=[ \t]*(?:[\w.]*\b(?:CDLL|PyDLL|WinDLL|OleDLL|LoadLibrary|load_library)[ \t]*\(|(?:ctypes\.)?(?:cdll|windll|oledll|pydll)\.[A-Za-z_]\w*[ \t]*$)/gm;
/** `<anything>.name.restype = …`: only ctypes foreign functions carry these attributes. */
const DECLARED = /[\w\])]\s*\.\s*([A-Za-z_]\w*)\s*\.\s*(?:restype|argtypes|errcheck)\s*=(?!=)/g;
/** Attributes of a handle that are not foreign functions. */
const NOT_FUNCTIONS = new Set(['LoadLibrary', 'restype', 'argtypes', 'errcheck']);

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export const ctypesSymbols: FactCollector = {
  kinds: [CTYPES_SYMBOL],
  languages: ['python'],
  triggers: ['restype', 'argtypes', 'errcheck', 'CDLL', 'cdll', 'LoadLibrary', 'load_library', 'PyDLL', 'WinDLL', 'windll'],
  collect(text) {
    const names = new Set<string>();
    for (const [, name] of text.matchAll(DECLARED)) names.add(name);
    if (/\bctypes\b/.test(text)) {
      // Handles by the last part of their spelling: `self._lib.fn` and `cls._lib.fn` both use `_lib`.
      const handles = new Set([...text.matchAll(HANDLE_ASSIGNMENT)].map((match) => match[2]));
      for (const handle of handles) {
        const h = escape(handle);
        const uses = new RegExp(String.raw`(?<![\w])(?:[A-Za-z_]\w*\.)*${h}\s*\.\s*([A-Za-z_]\w*)\b|\bgetattr\s*\(\s*(?:[A-Za-z_]\w*\.)*${h}\s*,\s*["']([A-Za-z_]\w*)["']|(?<![\w])(?:[A-Za-z_]\w*\.)*${h}\s*\[\s*["']([A-Za-z_]\w*)["']\s*\]`, 'g');
        for (const match of text.matchAll(uses)) {
          const name = match[1] ?? match[2] ?? match[3];
          if (name && !name.startsWith('_') && !NOT_FUNCTIONS.has(name)) names.add(name);
        }
      }
    }
    return [...names].map((value) => ({ kind: CTYPES_SYMBOL, value }));
  },
};
