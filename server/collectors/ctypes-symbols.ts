import type { FactCollector } from '../engine/workspace';

/** A C symbol a Python module reaches through a ctypes library handle, by name. */
export const CTYPES_SYMBOL = 'ctypes-symbol';

/** `lib = CDLL(…)`, `ctypes.cdll.LoadLibrary(…)`, `np.ctypeslib.load_library(…)`, `ctypes.cdll.foo`. */
const HANDLE_ASSIGNMENT =
  /^[ \t]*((?:[A-Za-z_]\w*\.)*([A-Za-z_]\w*))[ \t]*=[ \t]*(?:[\w.]*\b(?:CDLL|PyDLL|WinDLL|OleDLL|LoadLibrary|load_library)[ \t]*\(|(?:ctypes\.)?(?:cdll|windll|oledll|pydll)\.[A-Za-z_]\w*[ \t]*$)/gm;
/** `<anything>.name.restype = …`: only ctypes foreign functions carry these attributes. */
const DECLARED = /(\w+|[\])])\s*\.\s*([A-Za-z_]\w*)\s*\.\s*(?:restype|argtypes|errcheck)\s*=(?!=)/g;
/** Attributes of a handle that are not foreign functions. */
const NOT_FUNCTIONS = new Set(['LoadLibrary', 'restype', 'argtypes', 'errcheck']);

/** Python text with comments and the insides of string literals blanked (names in prose or paths are no uses). */
function withoutStrings(text: string): string {
  const blank = (literal: string, quote: number) => literal.slice(0, quote) + literal.slice(quote, -quote).replace(/[^\n]/g, ' ') + literal.slice(-quote);
  return text
    .replace(/"""[\s\S]*?"""|'''[\s\S]*?'''/g, (literal) => blank(literal, 3))
    .replace(/(["'])(?:(?!\1)[^\\\n]|\\.)*\1|#[^\n]*/g, (literal) => (literal.startsWith('#') ? ' '.repeat(literal.length) : blank(literal, 1)));
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export const ctypesSymbols: FactCollector = {
  kinds: [CTYPES_SYMBOL],
  languages: ['python'],
  triggers: ['restype', 'argtypes', 'errcheck', 'CDLL', 'cdll', 'LoadLibrary', 'load_library', 'PyDLL', 'WinDLL', 'windll'],
  collect(text) {
    const names = new Set<string>();
    const code = withoutStrings(text);
    // `self._fn.restype`: an attribute holding a function, not a name looked up in a library.
    for (const [, owner, name] of code.matchAll(DECLARED)) if (owner !== 'self' && owner !== 'cls') names.add(name);
    if (/\bctypes\b/.test(text)) {
      // Handles by the last part of their spelling: `self._lib.fn` and `cls._lib.fn` both use `_lib`.
      const handles = new Set([...text.matchAll(HANDLE_ASSIGNMENT)].map((match) => match[2]));
      for (const handle of handles) {
        const h = escape(handle);
        const attributes = new RegExp(String.raw`(?<![\w])(?:[A-Za-z_]\w*\.)*${h}\s*\.\s*([A-Za-z_]\w*)\b`, 'g');
        for (const [, name] of code.matchAll(attributes)) if (!name.startsWith('_') && !NOT_FUNCTIONS.has(name)) names.add(name);
        const uses = new RegExp(String.raw`\bgetattr\s*\(\s*(?:[A-Za-z_]\w*\.)*${h}\s*,\s*["']([A-Za-z_]\w*)["']|(?<![\w])(?:[A-Za-z_]\w*\.)*${h}\s*\[\s*["']([A-Za-z_]\w*)["']\s*\]`, 'g');
        for (const match of text.matchAll(uses)) {
          const name = match[1] ?? match[2];
          if (name && !name.startsWith('_') && !NOT_FUNCTIONS.has(name)) names.add(name);
        }
      }
    }
    return [...names].map((value) => ({ kind: CTYPES_SYMBOL, value }));
  },
};
