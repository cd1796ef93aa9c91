/**
 * C struct and union declarations read from plain text: a header excerpt in a comment, a
 * docstring, a cffi `cdef`. No parser is involved, so this works on fragments that would not
 * compile; what it cannot read it leaves out rather than guesses.
 */

/** One member of a C struct or union. */
export interface CFieldDeclaration {
  name: string;
  /**
   * The type as written, without qualifiers, in a canonical spelling for the builtin integer types
   * (`unsigned long`, `long long`, `uint32_t`, `struct point`). `function pointer` and
   * `struct {…}` for members whose type has no name.
   */
  type: string;
  /** How many `*` the declarator adds. */
  pointerDepth: number;
  /** Array dimensions as written (`16`, `NAME_MAX + 1`), outermost first. */
  dimensions: string[];
  /** The bit width of a bit-field, as written. */
  bits?: string;
}

export interface CStructDeclaration {
  kind: 'struct' | 'union';
  /** The tag (`struct tag {…}`) and the typedef names that denote the struct itself (not pointers). */
  names: string[];
  fields: CFieldDeclaration[];
  /** The maximum field alignment the declaration forces, when it is packed. */
  packing?: number;
  /** How the packing is written: `#pragma pack(1)`, `__attribute__((packed))`, `__packed`. */
  packingSpelling?: string;
}

type Token = { kind: 'word' | 'number' | 'punct' | 'pragma'; text: string };

const TOKEN = /(#[ \t]*pragma[^\n]*)|([A-Za-z_]\w*)|(0[xX][0-9a-fA-F]+|\d+)[uUlL]*|(\S)/g;
const QUALIFIERS = new Set([
  'const', 'volatile', 'restrict', '__restrict', '__restrict__', 'static', 'extern', 'register', 'mutable',
  '__extension__', 'CONST', '_Atomic', 'inline',
]);
const INTEGER_WORDS = new Set(['signed', 'unsigned', 'short', 'long', 'int', 'char']);

function tokenize(text: string): Token[] {
  const stripped = text.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/\/\/[^\n]*/g, ' ');
  const tokens: Token[] = [];
  for (const match of stripped.matchAll(TOKEN)) {
    if (match[1]) tokens.push({ kind: 'pragma', text: match[1].trim() });
    else if (match[2]) tokens.push({ kind: 'word', text: match[2] });
    else if (match[3]) tokens.push({ kind: 'number', text: match[3] });
    else tokens.push({ kind: 'punct', text: match[4] });
  }
  return tokens;
}

/** `unsigned long int` → `unsigned long`; `signed` → `int`; other words are kept in order. */
function canonicalType(words: string[]): string {
  if (words.length === 0 || !words.every((word) => INTEGER_WORDS.has(word))) return words.join(' ');
  const longs = words.filter((word) => word === 'long').length;
  const unsigned = words.includes('unsigned');
  let base = 'int';
  if (words.includes('char')) base = words.includes('signed') ? 'signed char' : 'char';
  else if (words.includes('short')) base = 'short';
  else if (longs >= 2) base = 'long long';
  else if (longs === 1) base = 'long';
  if (base === 'signed char') return unsigned ? 'unsigned char' : base;
  return unsigned ? `unsigned ${base}` : base;
}

/** Index just past the bracket that closes the one at `open`, or tokens.length. */
function skipBalanced(tokens: Token[], open: number): number {
  const pairs: Record<string, string> = { '(': ')', '[': ']', '{': '}' };
  const stack: string[] = [];
  for (let i = open; i < tokens.length; i++) {
    const text = tokens[i].text;
    if (tokens[i].kind !== 'punct') continue;
    if (pairs[text]) stack.push(pairs[text]);
    else if (text === stack[stack.length - 1]) {
      stack.pop();
      if (stack.length === 0) return i + 1;
    }
  }
  return tokens.length;
}

/** `__attribute__((…))`, `__declspec(…)`, `alignas(…)`: skipped, noting whether it says packed. */
function readAttribute(tokens: Token[], at: number): { end: number; packed: boolean } | undefined {
  const word = tokens[at]?.text;
  if (word === '__packed' || word === 'PACKED') return { end: at + 1, packed: true };
  if (!['__attribute__', '__attribute', '__declspec', 'alignas', '_Alignas', '__aligned'].includes(word ?? '')) return undefined;
  if (tokens[at + 1]?.text !== '(') return { end: at + 1, packed: false };
  const end = skipBalanced(tokens, at + 1);
  const inside = tokens.slice(at + 1, end).map((token) => token.text);
  return { end, packed: word.startsWith('__attribute') && (inside.includes('packed') || inside.includes('__packed__')) };
}

/** The maximum alignment a `#pragma pack(...)` sets, with the stack it keeps. */
class PackState {
  current: number | undefined;
  spelling: string | undefined;
  private readonly stack: { value: number | undefined; spelling: string | undefined }[] = [];

  apply(pragma: string): void {
    const match = /^#\s*pragma\s+pack\s*\(([^)]*)\)/.exec(pragma);
    if (!match) return;
    const parts = match[1].split(',').map((part) => part.trim()).filter(Boolean);
    const value = parts.map((part) => Number(part)).find((n) => Number.isInteger(n) && n > 0);
    if (parts[0] === 'push') {
      this.stack.push({ value: this.current, spelling: this.spelling });
    } else if (parts[0] === 'pop') {
      const previous = this.stack.pop();
      this.current = previous?.value;
      this.spelling = previous?.spelling;
    }
    if (value !== undefined) {
      this.current = value;
      this.spelling = match[0].replace(/\s+/g, ' ').replace(/^# /, '#');
    } else if (parts.length === 0) {
      this.current = undefined;
      this.spelling = undefined;
    }
  }
}

/** Splits a member declaration (without its `;`) into its declarators. */
function readMembers(tokens: Token[]): CFieldDeclaration[] {
  const cleaned: Token[] = [];
  for (let i = 0; i < tokens.length; ) {
    const attribute = readAttribute(tokens, i);
    if (attribute) {
      i = attribute.end;
      continue;
    }
    if (!(tokens[i].kind === 'word' && QUALIFIERS.has(tokens[i].text))) cleaned.push(tokens[i]);
    i++;
  }
  // Function pointer: `ret (*name)(args)`.
  const paren = cleaned.findIndex((token) => token.text === '(');
  if (paren !== -1) {
    const star = cleaned[paren + 1]?.text === '*' ? paren + 1 : -1;
    const name = star !== -1 ? cleaned.slice(star + 1).find((token) => token.kind === 'word') : undefined;
    return name ? [{ name: name.text, type: 'function pointer', pointerDepth: 1, dimensions: [] }] : [];
  }
  const parts: Token[][] = [[]];
  let depth = 0;
  for (const token of cleaned) {
    if (token.text === '[') depth++;
    if (token.text === ']') depth--;
    if (token.text === ',' && depth === 0) parts.push([]);
    else parts[parts.length - 1].push(token);
  }
  const first = parts[0];
  // The first declarator's name is the last word before `[`, `:` or the end.
  let end = first.findIndex((token) => token.text === '[' || token.text === ':');
  if (end === -1) end = first.length;
  let nameAt = -1;
  for (let i = end - 1; i >= 0; i--) {
    if (first[i].kind === 'word') {
      nameAt = i;
      break;
    }
  }
  const typeWords = first.slice(0, nameAt).filter((token) => token.kind === 'word').map((token) => token.text);
  if (nameAt <= 0 || typeWords.length === 0) return [];
  const type = canonicalType(typeWords);
  const firstStar = first.findIndex((token, i) => token.text === '*' && i < nameAt);
  const declarators = [first.slice(firstStar === -1 ? nameAt : firstStar), ...parts.slice(1)];
  const fields: CFieldDeclaration[] = [];
  for (const declarator of declarators) {
    let pointerDepth = 0;
    let i = 0;
    while (declarator[i]?.text === '*') {
      pointerDepth++;
      i++;
    }
    const name = declarator[i];
    if (name?.kind !== 'word') continue;
    const dimensions: string[] = [];
    let bits: string | undefined;
    for (let j = i + 1; j < declarator.length; j++) {
      if (declarator[j].text === '[') {
        const close = skipBalanced(declarator, j);
        dimensions.push(declarator.slice(j + 1, close - 1).map((token) => token.text).join(' '));
        j = close - 1;
      } else if (declarator[j].text === ':') {
        bits = declarator.slice(j + 1).map((token) => token.text).join(' ');
        break;
      }
    }
    fields.push({ name: name.text, type, pointerDepth, dimensions, ...(bits !== undefined ? { bits } : {}) });
  }
  return fields;
}

interface Parsed {
  declaration: CStructDeclaration;
  /** Index past the closing brace. */
  end: number;
}

/** Parses `struct [attrs] [tag] [attrs] { … }` starting at the `struct`/`union` keyword. */
function readBody(tokens: Token[], at: number, pack: PackState, found: CStructDeclaration[]): Parsed | undefined {
  const kind = tokens[at].text as 'struct' | 'union';
  let i = at + 1;
  let packed = false;
  let tag: string | undefined;
  for (; i < tokens.length && tokens[i].text !== '{'; ) {
    const attribute = readAttribute(tokens, i);
    if (attribute) {
      packed ||= attribute.packed;
      i = attribute.end;
    } else if (tokens[i].kind === 'word' && tag === undefined) {
      tag = tokens[i++].text;
    } else {
      return undefined;
    }
  }
  if (tokens[i]?.text !== '{') return undefined;
  const close = skipBalanced(tokens, i);
  const fields: CFieldDeclaration[] = [];
  let member: Token[] = [];
  for (let j = i + 1; j < close - 1; j++) {
    const token = tokens[j];
    if (token.kind === 'pragma') {
      pack.apply(token.text);
      continue;
    }
    if ((token.text === 'struct' || token.text === 'union') && member.length === 0) {
      const nested = readBody(tokens, j, pack, found);
      if (nested) {
        // The nested type becomes one word, so `struct {…} inner;` reads as a member named inner.
        const name = nested.declaration.names[0];
        member = [{ kind: 'word', text: name ? `${token.text} ${name}` : `${token.text} {…}` }];
        j = nested.end - 1;
        continue;
      }
    }
    if (token.text === ';') {
      fields.push(...readMembers(member));
      member = [];
    } else {
      member.push(token);
    }
  }
  // Trailing attributes: `} __attribute__((packed)) name;`
  let end = close;
  for (let attribute = readAttribute(tokens, end); attribute; attribute = readAttribute(tokens, end)) {
    packed ||= attribute.packed;
    end = attribute.end;
  }
  const declaration: CStructDeclaration = { kind, names: tag ? [tag] : [], fields };
  if (packed) {
    declaration.packing = 1;
    declaration.packingSpelling = tokens.slice(at, close).some((token) => token.text === '__packed' || token.text === 'PACKED')
      ? '__packed'
      : '__attribute__((packed))';
  } else if (pack.current !== undefined) {
    declaration.packing = pack.current;
    declaration.packingSpelling = pack.spelling;
  }
  found.push(declaration);
  return { declaration, end };
}

/** Every struct and union with a body declared in `text`, with the typedef names that denote it. */
export function readCStructs(text: string): CStructDeclaration[] {
  if (!/\b(?:struct|union)\b/.test(text)) return [];
  const tokens = tokenize(text);
  const found: CStructDeclaration[] = [];
  const pack = new PackState();
  const aliases: [alias: string, tag: string][] = [];
  /** The current statement began with (or contains) `typedef`. */
  let typedef = false;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    if (token.kind === 'pragma') {
      pack.apply(token.text);
      typedef = false;
      continue;
    }
    if (token.text === ';' || token.text === '}') {
      typedef = false;
      continue;
    }
    if (token.text === 'typedef') typedef = true;
    if (token.text !== 'struct' && token.text !== 'union') continue;
    const parsed = readBody(tokens, i, pack, found);
    if (!parsed) {
      // `typedef struct tag alias;`
      const tag = tokens[i + 1];
      const alias = tokens[i + 2];
      if (typedef && tag?.kind === 'word' && alias?.kind === 'word' && tokens[i + 3]?.text === ';') aliases.push([alias.text, tag.text]);
      continue;
    }
    i = parsed.end - 1;
    if (!typedef) continue;
    // `} Name, *PName;`: names without `*` denote the struct itself.
    let pointer = false;
    let j = parsed.end;
    for (; j < tokens.length && tokens[j].text !== ';'; j++) {
      const attribute = readAttribute(tokens, j);
      if (attribute) {
        if (attribute.packed && parsed.declaration.packing === undefined) {
          parsed.declaration.packing = 1;
          parsed.declaration.packingSpelling = '__attribute__((packed))';
        }
        j = attribute.end - 1;
        continue;
      }
      if (tokens[j].text === '*') pointer = true;
      else if (tokens[j].text === ',') pointer = false;
      else if (tokens[j].kind === 'word' && !pointer) parsed.declaration.names.push(tokens[j].text);
      else if (tokens[j].text === '{' || tokens[j].text === '}') break;
    }
    i = j;
    typedef = false;
  }
  for (const [alias, tag] of aliases) {
    found.find((declaration) => declaration.names.includes(tag))?.names.push(alias);
  }
  return found;
}
