import type { FactCollector } from '../engine/workspace';

/** A symbol Java code looks up through a Panama `SymbolLookup` (`lookup.find("name")`). */
export const PANAMA_SYMBOL = 'panama-symbol';

export const panamaSymbols: FactCollector = {
  kinds: [PANAMA_SYMBOL],
  languages: ['java'],
  triggers: ['SymbolLookup', 'defaultLookup', 'loaderLookup', 'libraryLookup'],
  collect(text) {
    const names = new Set<string>();
    for (const [, name] of text.matchAll(/\.find(?:OrThrow)?\s*\(\s*"([A-Za-z_]\w*)"\s*\)/g)) names.add(name);
    return [...names].map((value) => ({ kind: PANAMA_SYMBOL, value }));
  },
};
