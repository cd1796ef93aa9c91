/**
 * Language linkage read from plain C/C++ text, without parsing: which names a header declares
 * inside `extern "C"` (or its `#ifdef __cplusplus` guard, or a `BEGIN_DECLS`-style macro), which
 * it declares without, which object-like macros expand to `extern "C"`, and what a file includes.
 * Workspace fact collectors use it on every header; the tree-sitter grammar cannot be relied on
 * here anyway, since the guard splits a block across preprocessor branches and parses as ERROR.
 */

/** A span of text, `start` inclusive, `end` exclusive. */
export interface TextSpan {
  start: number;
  end: number;
}

/**
 * The text with comments, string and character literals and preprocessor directives replaced by
 * spaces (newlines kept, so offsets and lines stay), except the `"C"`/`"C++"` of linkage specs.
 */
export function codeOnly(text: string): string {
  return text.replace(NOT_CODE, (match) => {
    if (match === '"C"' || match === '"C++"') return match;
    return match.includes('\n') ? match.replace(/[^\n]/g, ' ') : ' '.repeat(match.length);
  });
}

/**
 * Comments, string and character literals (not after a digit: `1'000`), and directives with their
 * continuation lines. A literal's quotes are blanked too, which keeps offsets all the same.
 */
const NOT_CODE = /\/\/[^\n]*|\/\*[\s\S]*?(?:\*\/|(?![\s\S]))|"(?:[^"\\\n]|\\.)*"?|(?<![0-9A-Fa-f])'(?:[^'\\\n]|\\.)*'?|^[ \t]*#(?:[^\n\\]|\\[\s\S])*/gm;

/** Index of the `}` closing the `{` at `open` in code-only text, or the text's length. */
function closingBrace(code: string, open: number): number {
  let depth = 0;
  for (let i = open; i < code.length; i++) {
    if (code[i] === '{') depth++;
    else if (code[i] === '}' && --depth === 0) return i;
  }
  return code.length;
}

const BLOCK_OPEN = /\bextern\s*"C"\s*\{/g;
/** `__BEGIN_DECLS`, `G_BEGIN_DECLS`, `EXTERN_C_START` (node_api.h), `CPL_C_START`... and their ends. */
const MACRO_OPEN = /\b\w*(?:BEGIN_DECLS|BEGIN_C_DECLS|EXTERN_C_START|EXTERN_C_BEGIN|BEGIN_EXTERN_C|_C_START)\b/g;
const MACRO_CLOSE = /\b\w*(?:END_DECLS|END_C_DECLS|EXTERN_C_END|END_EXTERN_C|_C_END)\b/g;

/**
 * The spans of code-only text that `extern "C" { … }` blocks and BEGIN/END_DECLS-style macros
 * give C linkage; `blockMacros` names further macros known to open `extern "C" {` (to the end).
 * A block whose end cannot be found runs to the end of the text.
 */
export function cLinkageSpans(code: string, blockMacros: ReadonlySet<string> = new Set()): TextSpan[] {
  const spans: TextSpan[] = [];
  for (const match of code.matchAll(BLOCK_OPEN)) {
    const open = match.index + match[0].length - 1;
    spans.push({ start: open, end: closingBrace(code, open) });
  }
  for (const match of code.matchAll(MACRO_OPEN)) {
    MACRO_CLOSE.lastIndex = match.index + match[0].length;
    const close = MACRO_CLOSE.exec(code);
    spans.push({ start: match.index, end: close ? close.index : code.length });
  }
  for (const name of blockMacros) {
    const at = code.search(new RegExp(String.raw`(?:^|\n)[ \t]*${name}[ \t]*(?=\n|$)`));
    if (at !== -1) spans.push({ start: at, end: code.length });
  }
  return spans;
}

export function isWithinSpans(offset: number, spans: readonly TextSpan[]): boolean {
  return spans.some((span) => offset > span.start && offset < span.end);
}

/**
 * Macros the text defines: those whose expansion contains `extern "C"` (the `#define API
 * extern "C" __declspec(dllexport)` of many shims, or `API(type)`), and the others.
 */
export function definedMacros(text: string): { withCLinkage: Set<string>; others: Set<string> } {
  const withCLinkage = new Set<string>();
  const others = new Set<string>();
  for (const match of text.matchAll(/^[ \t]*#[ \t]*define[ \t]+([A-Za-z_]\w*)([^\n]*(?:\\\n[^\n]*)*)/gm)) {
    if (/\bextern\s*"C"/.test(match[2])) withCLinkage.add(match[1]);
    else others.add(match[1]);
  }
  for (const name of withCLinkage) others.delete(name);
  return { withCLinkage, others };
}

/** Macros that never carry a linkage specification: export attributes and calling conventions. */
const NOT_LINKAGE_MACROS = new Set([
  'JNIEXPORT', 'JNICALL', 'JNIIMPORT', 'WINAPI', 'CALLBACK', 'APIENTRY', 'STDMETHODCALLTYPE', 'NAPI_CDECL', 'NAPI_EXTERN',
  'EMSCRIPTEN_KEEPALIVE', 'CONST', 'FAR', 'NEAR', 'IN', 'OUT', 'OPTIONAL', 'UNUSED', 'NORETURN', 'INLINE', 'FORCEINLINE',
]);
/** All-capitals type names of the Windows and C headers: types, not macros that could hide `extern "C"`. */
const CAPITAL_TYPES = new Set([
  'BOOL', 'BOOLEAN', 'BYTE', 'CHAR', 'DWORD', 'FILE', 'HANDLE', 'HRESULT', 'INT', 'LONG', 'LPSTR', 'LPCSTR', 'LPVOID',
  'LPWSTR', 'LPCWSTR', 'LRESULT', 'SIZE_T', 'UINT', 'ULONG', 'USHORT', 'VOID', 'WORD', 'HMODULE', 'HWND', 'DWORD_PTR', 'UINT_PTR',
]);

/**
 * What the words before a function's name (`JNIEXPORT jint JNICALL`, `API int`) say about its
 * linkage: `c` when they spell or expand to `extern "C"`; `unknown` when a capitalised macro of
 * unknown expansion is among them (it might expand to `extern "C"`); `none` otherwise.
 */
export function linkageOfPrefix(
  prefix: string,
  macros: { withCLinkage: (name: string) => boolean; isDefinedOtherwise: (name: string) => boolean },
): 'c' | 'unknown' | 'none' {
  if (/\bextern\s*"C"/.test(prefix)) return 'c';
  let unknown = false;
  for (const [word] of prefix.replace(/\b__(?:attribute|declspec)__?\s*\(\([^)]*\)\)|\b__declspec\s*\([^)]*\)/g, ' ').matchAll(/[A-Za-z_]\w*/g)) {
    if (word === 'PyMODINIT_FUNC' || macros.withCLinkage(word)) return 'c';
    if (!/^_*[A-Z][A-Z0-9_]+$/.test(word)) continue;
    if (NOT_LINKAGE_MACROS.has(word) || CAPITAL_TYPES.has(word) || macros.isDefinedOtherwise(word)) continue;
    unknown = true;
  }
  return unknown ? 'unknown' : 'none';
}

const NOT_FUNCTION_NAMES = new Set([
  'if', 'while', 'for', 'switch', 'return', 'sizeof', 'alignof', 'decltype', 'typeof', '__typeof__', 'defined', 'case',
  'int', 'char', 'void', 'long', 'short', 'unsigned', 'signed', 'float', 'double', 'bool', 'const', 'volatile', 'struct',
  'union', 'enum', 'static_assert', '_Static_assert', '__attribute__', '__declspec', 'noexcept', 'throw', 'operator',
  'extern', 'typedef', 'alignas', '_Alignas', '__asm__', 'asm', '__asm',
]);

/** Between `)` and `;` or `{`: qualifiers, `__attribute__((…))`, macros like `__THROW` or `NONNULL(1)`. */
const AFTER_PARAMETERS = /^(?:\s|(?:const|noexcept|override|final|[A-Z_][A-Z0-9_]*|__\w+__|__\w+)\b(?:\s*\((?:[^();{}]|\([^();{}]*\))*\))?)*[;{]/;

/**
 * The outermost brace pairs of code-only text other than `extern "C"` blocks (which are looked
 * into): bodies of functions, classes, namespaces and initialisers. What lies inside one is not
 * at file scope.
 */
export function blockSpans(code: string, spans: readonly TextSpan[]): TextSpan[] {
  const opensSpan = new Set(spans.map((span) => span.start));
  const blocks: TextSpan[] = [];
  let open = -1;
  let depth = 0;
  for (let i = 0; i < code.length; i++) {
    if (code[i] === '{') {
      if (depth > 0) depth++;
      else if (!opensSpan.has(i)) {
        open = i;
        depth = 1;
      }
    } else if (code[i] === '}' && depth > 0 && --depth === 0) {
      blocks.push({ start: open, end: i });
    }
  }
  if (depth > 0) blocks.push({ start: open, end: code.length });
  return blocks;
}

/** A function declared or defined at file scope of code-only text. */
export interface DeclaredName {
  name: string;
  offset: number;
  /** The words from the end of the previous declaration up to the name. */
  prefix: string;
}

/**
 * The functions declared or defined at file scope (or directly inside `extern "C"` blocks) of
 * code-only text: `name(...)` followed by `;` or a body. Bodies of functions, classes and
 * namespaces are skipped, so calls inside inline functions are not taken for declarations.
 */
export function fileScopeFunctions(code: string, spans: readonly TextSpan[]): DeclaredName[] {
  let text = '';
  let copied = 0;
  for (const block of blockSpans(code, spans)) {
    text += code.slice(copied, block.start + 1) + code.slice(block.start + 1, block.end).replace(/[^\n]+/g, (run) => ' '.repeat(run.length));
    copied = block.end;
  }
  text += code.slice(copied);
  const found: DeclaredName[] = [];
  const NAME = /([A-Za-z_]\w*)\s*\(/g;
  let match: RegExpExecArray | null;
  while ((match = NAME.exec(text))) {
    const name = match[1];
    const open = match.index + match[0].length - 1;
    let depth = 0;
    let close = open;
    for (; close < text.length; close++) {
      if (text[close] === '(') depth++;
      else if (text[close] === ')' && --depth === 0) break;
    }
    NAME.lastIndex = close + 1;
    if (NOT_FUNCTION_NAMES.has(name)) continue;
    let last = match.index - 1;
    while (last >= 0 && /\s/.test(text[last])) last--;
    if ('.=,(:'.includes(text[last] ?? ';') && last >= 0) continue;
    if (text[last] === '>' && text[last - 1] === '-') continue;
    // After the parameters: qualifiers, attributes, macros, then `;` or a body.
    const after = text.slice(close + 1, close + 400);
    const tail = AFTER_PARAMETERS.exec(after);
    if (!tail) continue;
    NAME.lastIndex = close + 1 + tail[0].length;
    let start = match.index;
    while (start > 0 && !';{}'.includes(text[start - 1])) start--;
    found.push({ name, offset: match.index, prefix: text.slice(start, match.index) });
  }
  return found;
}

/** A header the text includes, as written between the quotes or angle brackets. */
export interface Inclusion {
  path: string;
  quoted: boolean;
  offset: number;
}

export function inclusions(text: string): Inclusion[] {
  return [...text.matchAll(/^[ \t]*#[ \t]*include[ \t]*(["<])([^">\n]+)[">]/gm)].map((match) => ({
    path: match[2].trim(),
    quoted: match[1] === '"',
    offset: match.index,
  }));
}

export function baseNameOf(file: string): string {
  return file.slice(Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\')) + 1);
}
