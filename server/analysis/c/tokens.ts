import type { Node } from 'web-tree-sitter';

/** Literals kept as one token: their insides are text, not code. */
const LITERALS = new Set([
  'string_literal',
  'raw_string_literal',
  'char_literal',
  'concatenated_string',
  'system_lib_string',
]);

/**
 * The tokens of `node` in source order: its leaves, without comments or the zero-width nodes the
 * parser invents for recovery; string and character literals come back whole.
 *
 * Macros the grammar cannot know (`Py_BEGIN_ALLOW_THREADS`, `PyObject_HEAD`) make tree-sitter
 * mistake the next statement for a declaration or an ERROR node; the tokens stay right, so code
 * near such macros is better read token by token than by node type.
 */
export function tokensOf(node: Node): Node[] {
  return skipBrokenLiterals(leavesOf(node), node);
}

/**
 * Where error recovery split a string or character literal into pieces (`"`, then whatever its
 * text looks like), keeps only the opening quote: the text of a literal is never code.
 */
function skipBrokenLiterals(leaves: Node[], node: Node): Node[] {
  if (!leaves.some((leaf) => leaf.type === '"' || leaf.type === "'")) return leaves;
  const text = node.text;
  const base = node.startIndex;
  const kept: Node[] = [];
  let skipUntil = -1;
  for (const leaf of leaves) {
    if (leaf.startIndex < skipUntil) continue;
    kept.push(leaf);
    if (leaf.type !== '"' && leaf.type !== "'") continue;
    let at = leaf.startIndex - base + 1;
    while (at < text.length && text[at] !== leaf.type && text[at] !== '\n') at += text[at] === '\\' ? 2 : 1;
    skipUntil = base + at + 1;
  }
  return kept;
}

function leavesOf(node: Node): Node[] {
  const tokens: Node[] = [];
  const cursor = node.walk();
  try {
    for (;;) {
      const type = cursor.nodeType;
      const descend = !LITERALS.has(type) && type !== 'comment' && cursor.gotoFirstChild();
      if (descend) continue;
      if (type !== 'comment' && !cursor.nodeIsMissing && cursor.endIndex > cursor.startIndex) {
        tokens.push(cursor.currentNode);
      }
      while (!cursor.gotoNextSibling()) {
        if (!cursor.gotoParent()) return tokens;
      }
    }
  } finally {
    cursor.delete();
  }
}

/** Tokens that can name something: identifiers, whatever the parser took them for. */
export function isNameToken(token: Node | undefined): token is Node {
  return (
    token !== undefined &&
    (token.type === 'identifier' ||
      token.type === 'type_identifier' ||
      token.type === 'field_identifier' ||
      token.type === 'namespace_identifier')
  );
}
