import { nameTokens } from './blocking-functions';

/**
 * What C names and C documentation say about who frees memory: which functions are deallocators,
 * which return a fresh copy the caller owns, and whether a comment says the caller must free a
 * result. Names and prose are evidence, never proof; callers decide how much to trust them.
 */

/** Words that name raw memory, as opposed to an object with its own destructor. */
const MEMORY_WORDS = new Set(['string', 'str', 'buf', 'buffer', 'mem', 'memory', 'message', 'msg', 'data', 'bytes', 'array', 'list', 'result', 'text', 'error', 'err', 'chars']);
const RELEASING_WORDS = new Set(['destroy', 'release', 'dispose', 'dealloc', 'deallocate']);

/**
 * A deallocator for memory a library hands out: `foo_free`, `xmlFree`, `free_buffer`, and
 * `destroy`/`release`/`dispose` functions when the name says they release memory
 * (`LLVMDisposeMessage`, `foo_string_release`). A bare `foo_destroy` is an object's destructor and
 * says nothing about how the library allocates the strings and buffers it returns.
 */
export function isMemoryDeallocator(name: string): boolean {
  const tokens = nameTokens(name);
  if (tokens.includes('lock') || tokens.includes('is') || tokens.includes('get')) return false;
  if (tokens.includes('free') || /free$/i.test(name) || /^free/i.test(name)) return !/lock_?free|freeze|freetype|freelist/i.test(name);
  return tokens.some((token) => RELEASING_WORDS.has(token)) && tokens.some((token) => MEMORY_WORDS.has(token));
}

/** Any function whose argument is released: the memory deallocators plus destructors and unrefs. */
export function isDeallocator(name: string): boolean {
  if (isMemoryDeallocator(name)) return true;
  const tokens = nameTokens(name);
  if (tokens.includes('lock') || tokens.includes('is') || tokens.includes('get')) return false;
  return tokens.some((token) => RELEASING_WORDS.has(token) || token === 'unref');
}

/** C library routines whose result is a fresh heap copy the caller frees with `free()`. */
const ALLOCATING_ROUTINES = new Set(['strdup', 'strndup', 'wcsdup', 'canonicalize_file_name', 'get_current_dir_name', 'tempnam']);
/** Routines that allocate only when their buffer argument (index) is NULL. */
export const ALLOCATING_WHEN_NULL: ReadonlyMap<string, number> = new Map([
  ['realpath', 1],
  ['getcwd', 0],
]);

/** Why the result of `name` is a fresh copy the caller owns, judged by name alone. */
export function allocatingReason(name: string): string | undefined {
  if (ALLOCATING_ROUTINES.has(name)) return `${name}() returns a fresh heap copy`;
  const tokens = nameTokens(name);
  if (tokens.some((token) => /^(?:str|wcs)n?dup$/.test(token))) return `${name}() returns a fresh heap copy`;
  if (tokens.length > 1 && tokens[tokens.length - 1] === 'dup') return `${name}() returns a duplicate the caller owns`;
  return undefined;
}

const NEGATION = /\b(?:not|never|cannot|without)\b|n't\b|\bno need\b/i;
const CALLER_FREES = [
  /\b(?:must|should|needs? to|has to|have to)\s+(?:be\s+)?(?:freed|released|deallocated|disposed)\b/i,
  /\b(?:must|should|needs? to|has to|have to)\s+(?:free|release|dispose|deallocate)\b/i,
  /\bcaller\s+(?:must\s+|should\s+)?(?:frees?|releases?|owns|takes ownership|is responsible)\b/i,
  /\b(?:owned|freed|released)\s+by\s+(?:the\s+)?caller\b/i,
  /\bresponsible\s+for\s+(?:freeing|releasing|deallocating)\b/i,
  /\bto be freed\b/i,
  /\bnewly[- ]allocated\b/i,
];

/**
 * True when a piece of documentation says the caller must free what a function returns
 * ("caller frees", "must be freed with foo_free()", "You must free() the returned string"),
 * skipping sentences that deny it ("do not free", "must not be freed").
 */
export function saysCallerFrees(text: string): boolean {
  return sentences(text).some((sentence) => !NEGATION.test(sentence) && CALLER_FREES.some((pattern) => pattern.test(sentence)));
}

/**
 * The deallocator a piece of documentation names: `free` for "free()" or "with free", the function
 * for "with foo_free()", "using g_free", "call xmlFree". Undefined when it names none.
 */
export function documentedDeallocator(text: string): string | undefined {
  for (const sentence of sentences(text)) {
    if (NEGATION.test(sentence)) continue;
    for (const named of sentence.matchAll(/\b(?:with|using|call|calling|via|through)\s+`?([A-Za-z_]\w*)/gi)) {
      if (named[1] === 'free' || isDeallocator(named[1])) return named[1];
    }
    if (/(?<![\w.])free\s*\(\s*\)/.test(sentence) || /(?<![\w.])free\(\s*(?:it|the\s+\w+)/.test(sentence)) return 'free';
  }
  return undefined;
}

function sentences(text: string): string[] {
  return text
    .replace(/^[ \t]*(?:#|\/\/|\/?\*+\/?)[ \t]?/gm, '')
    .split(/(?<=[.;!?])\s+|\n\s*\n/)
    .map((sentence) => sentence.replace(/\s+/g, ' ').trim())
    .filter(Boolean);
}
