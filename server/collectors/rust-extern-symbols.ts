import type { FactCollector } from '../engine/workspace';

/** A function a Rust `extern "C" { … }` block declares: the linker resolves it by that name. */
export const RUST_EXTERN_SYMBOL = 'rust-extern-symbol';

const BLOCK = /\bextern\s*(?:"(?:C|C-unwind|system|cdecl|stdcall)"\s*)?\{/g;

/** Comments blanked, so braces in them do not count. */
function withoutComments(text: string): string {
  return text.replace(/\/\/[^\n]*|\/\*[\s\S]*?\*\//g, (comment) => comment.replace(/[^\n]/g, ' '));
}

export const rustExternSymbols: FactCollector = {
  kinds: [RUST_EXTERN_SYMBOL],
  languages: ['rust'],
  triggers: ['extern'],
  collect(text) {
    const code = withoutComments(text);
    const names = new Set<string>();
    for (const match of code.matchAll(BLOCK)) {
      let depth = 0;
      let end = match.index + match[0].length - 1;
      for (; end < code.length; end++) {
        if (code[end] === '{') depth++;
        else if (code[end] === '}' && --depth === 0) break;
      }
      const block = code.slice(match.index + match[0].length, end);
      // `#[link_name = "sym"] fn alias(…)` binds `sym`, not `alias`.
      for (const item of block.matchAll(/(?:#\[\s*link_name\s*=\s*"([^"]+)"\s*\]\s*)?(?:#\[[^\]]*\]\s*)*(?:pub(?:\([^)]*\))?\s+)?(?:safe\s+|unsafe\s+)?fn\s+([A-Za-z_]\w*)/g)) {
        names.add(item[1] ?? item[2]);
      }
    }
    return [...names].map((value) => ({ kind: RUST_EXTERN_SYMBOL, value }));
  },
};
