import {
  baseNameOf,
  cLinkageSpans,
  codeOnly,
  definedMacros,
  fileScopeFunctions,
  inclusions,
  isWithinSpans,
  linkageOfPrefix,
} from '../analysis/c/linkage-text';
import { extensionOf } from '../engine/languages';
import type { FactCollector } from '../engine/workspace';

/** A header of the workspace, by base name (`shim.h`): an include of it is not a blind spot. */
export const HEADER_FILE = 'header-file';
/** A function name a header declares with C linkage (or with a macro that may carry it). */
export const C_LINKAGE_DECLARATION = 'c-linkage-declaration';
/** A function name a header declares without C linkage; the header states it, so filesWith names it. */
export const PLAIN_DECLARATION = 'plain-declaration';
/** An object-like macro a header defines whose expansion contains `extern "C"`. */
export const C_LINKAGE_MACRO = 'c-linkage-macro';
/** An object-like macro a header defines otherwise (an export attribute, a calling convention). */
export const OTHER_MACRO = 'other-macro';
/** The base name of a header a `.c` file includes: that header is read by a C compiler. */
export const INCLUDED_BY_C = 'included-by-c';
/** The base name of a header some file includes inside `extern "C" { … }`: its declarations get C linkage there. */
export const INCLUDED_IN_C_LINKAGE = 'included-in-c-linkage';

const HEADER_EXTENSIONS = new Set(['.h', '.hh', '.hpp', '.hxx']);

export function isHeaderPath(file: string): boolean {
  return HEADER_EXTENSIONS.has(extensionOf(file));
}

/** What headers declare and with which linkage; which headers C sources include. */
export const cHeaders: FactCollector = {
  kinds: [HEADER_FILE, C_LINKAGE_DECLARATION, PLAIN_DECLARATION, C_LINKAGE_MACRO, OTHER_MACRO, INCLUDED_BY_C, INCLUDED_IN_C_LINKAGE],
  languages: ['c', 'cpp'],
  triggers: [';', '#'],
  collect(text, file) {
    const facts: { kind: string; value: string }[] = [];
    if (extensionOf(file) === '.c') {
      // Only `#include "…"`: an `<…>` include names a system or dependency header, and a project
      // header of the same base name elsewhere in the workspace (`<memory.h>`) is another file.
      for (const inclusion of inclusions(text)) {
        if (inclusion.quoted) facts.push({ kind: INCLUDED_BY_C, value: baseNameOf(inclusion.path) });
      }
      return facts;
    }
    if (/extern\s*"C"/.test(text) && text.includes('#include')) {
      const spans = cLinkageSpans(codeOnly(text));
      for (const inclusion of inclusions(text)) {
        if (isWithinSpans(inclusion.offset, spans)) facts.push({ kind: INCLUDED_IN_C_LINKAGE, value: baseNameOf(inclusion.path) });
      }
    }
    if (!isHeaderPath(file)) return facts;
    facts.push({ kind: HEADER_FILE, value: baseNameOf(file) });
    const macros = definedMacros(text);
    for (const name of macros.withCLinkage) facts.push({ kind: C_LINKAGE_MACRO, value: name });
    for (const name of macros.others) if (/^_*[A-Z][A-Z0-9_]+$/.test(name)) facts.push({ kind: OTHER_MACRO, value: name });
    const code = codeOnly(text);
    const spans = cLinkageSpans(code, macros.withCLinkage);
    // Inside extern "C", any `name(` counts: over-reading only keeps the rule quieter.
    for (const span of spans) {
      for (const [, name] of code.slice(span.start, span.end).matchAll(/([A-Za-z_]\w*)\s*\(/g)) {
        facts.push({ kind: C_LINKAGE_DECLARATION, value: name });
      }
    }
    const linkageMacros = { withCLinkage: (name: string) => macros.withCLinkage.has(name), isDefinedOtherwise: (name: string) => macros.others.has(name) };
    for (const declared of fileScopeFunctions(code, spans)) {
      if (isWithinSpans(declared.offset, spans)) continue;
      const linkage = linkageOfPrefix(declared.prefix, linkageMacros);
      facts.push({ kind: linkage === 'none' ? PLAIN_DECLARATION : C_LINKAGE_DECLARATION, value: declared.name });
    }
    return facts;
  },
};
