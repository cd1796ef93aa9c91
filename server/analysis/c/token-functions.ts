import type { Node } from 'web-tree-sitter';
import { isNameToken, tokensOf } from './tokens';

/*
 * Function definitions found in the token stream rather than in the tree. An unknown macro before a
 * statement (`Py_END_ALLOW_THREADS` then `if (…)`) can make tree-sitter's error recovery read the
 * rest of a function, and the next one, as a nested K&R definition: the tree's function bodies are
 * then wrong, while the braces and the `name(…) {` headers in the tokens are still right.
 */

/** A function definition: `name(parameters) {body}`. */
export interface TokenFunction {
  /** The name as written, qualified for C++ methods defined out of line: `fastio_read`, `Reader::read`. */
  name: string;
  nameToken: Node;
  /** The tokens of each parameter, commas left out. */
  parameters: Node[][];
  /** The tokens of the body, from its `{` to its `}`. */
  body: Node[];
  /** Source offsets: the body's `{` and the end of its `}`. */
  start: number;
  end: number;
}

/** Words that may stand between a parameter list and the body. */
const AFTER_PARAMETERS = new Set(['const', 'volatile', 'noexcept', 'override', 'final', '&', '&&']);
/** `if (x) {`, `while (x) {`, … are statements, not definitions. */
const NOT_FUNCTIONS = new Set([
  'if',
  'while',
  'for',
  'switch',
  'catch',
  'return',
  'sizeof',
  'alignof',
  'decltype',
  'defined',
  '__attribute__',
  '__declspec',
]);

/** The index of the `(` matching the `)` at `close`, or -1. */
function openingParenthesis(tokens: readonly Node[], close: number): number {
  let depth = 0;
  for (let index = close; index >= 0; index--) {
    const type = tokens[index].type;
    if (type === ')') depth++;
    else if (type === '(' && --depth === 0) return index;
    else if (type === '{' || type === '}' || type === ';') return -1;
  }
  return -1;
}

/** For a `{` at `brace`, the name token and parameter list of the definition it opens, if it opens one. */
function headerOf(tokens: readonly Node[], brace: number): { name: number; open: number; close: number } | undefined {
  let close = brace - 1;
  while (close >= 0 && AFTER_PARAMETERS.has(tokens[close].type === 'identifier' ? tokens[close].text : tokens[close].type)) close--;
  if (tokens[close]?.type !== ')') return undefined;
  const open = openingParenthesis(tokens, close);
  const name = open - 1;
  if (open < 1 || !isNameToken(tokens[name]) || NOT_FUNCTIONS.has(tokens[name].text)) return undefined;
  return { name, open, close };
}

/** Splits a parameter list's tokens at its top-level commas. */
function splitParameters(tokens: readonly Node[]): Node[][] {
  const parameters: Node[][] = [[]];
  let depth = 0;
  for (const token of tokens) {
    if (token.type === '(' || token.type === '[' || token.type === '<') depth++;
    else if (token.type === ')' || token.type === ']' || token.type === '>') depth--;
    if (token.type === ',' && depth === 0) parameters.push([]);
    else parameters[parameters.length - 1].push(token);
  }
  return parameters.filter((parameter) => parameter.length > 0);
}

const cache = new WeakMap<Node, TokenFunction[]>();

/**
 * Every function definition of a file, outermost only (a lambda or local class stays part of the
 * body around it), in source order. Found from braces: a `{` right after `name(…)` that is not
 * already inside a function body opens one. Constructors with member initialisers are missed.
 */
export function findFunctionsByTokens(root: Node): TokenFunction[] {
  const cached = cache.get(root);
  if (cached) return cached;
  const tokens = tokensOf(root);
  const functions: TokenFunction[] = [];
  for (let index = 0; index < tokens.length; index++) {
    if (tokens[index].type !== '{') continue;
    const header = headerOf(tokens, index);
    if (!header) continue;
    let depth = 0;
    let last = index;
    for (; last < tokens.length; last++) {
      if (tokens[last].type === '{') depth++;
      else if (tokens[last].type === '}' && --depth === 0) break;
    }
    last = Math.min(last, tokens.length - 1);
    let first = header.name;
    while (first >= 2 && tokens[first - 1].type === '::' && isNameToken(tokens[first - 2])) first -= 2;
    functions.push({
      name: tokens
        .slice(first, header.name + 1)
        .map((token) => token.text)
        .join(''),
      nameToken: tokens[header.name],
      parameters: splitParameters(tokens.slice(header.open + 1, header.close)),
      body: tokens.slice(index, last + 1),
      start: tokens[index].startIndex,
      end: tokens[last].endIndex,
    });
    index = last;
  }
  cache.set(root, functions);
  return functions;
}

/** A parameter as its tokens show it: `PyObject *const *args` → `PyObject`, 2, `args`. */
export interface TokenParameter {
  name: string | undefined;
  /** The first type name: `PyObject`, `conn` for `struct conn *`; undefined for function pointers. */
  typeName: string | undefined;
  pointerDepth: number;
}

const TYPE_WORDS = new Set(['const', 'volatile', 'struct', 'union', 'enum', 'class', 'restrict', '__restrict', 'register']);

export function readTokenParameter(tokens: readonly Node[]): TokenParameter {
  const functionPointer = tokens.findIndex((token, index) => token.type === '(' && tokens[index + 1]?.type === '*');
  if (functionPointer >= 0) {
    const name = tokens.slice(functionPointer + 1).find((token) => isNameToken(token));
    return { name: name?.text, typeName: undefined, pointerDepth: 1 };
  }
  const names = tokens.filter((token) => isNameToken(token) && !TYPE_WORDS.has(token.text));
  const typeWords = tokens.filter((token) => token.type === 'primitive_type' || token.type === 'sized_type_specifier');
  const typeName = typeWords[0]?.text ?? names[0]?.text;
  const name = names.length > (typeWords.length > 0 ? 0 : 1) ? names.at(-1)?.text : undefined;
  return { name, typeName, pointerDepth: tokens.filter((token) => token.type === '*').length };
}
