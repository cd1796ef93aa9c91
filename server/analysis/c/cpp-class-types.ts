import type { Node } from 'web-tree-sitter';

/**
 * Standard C++ class types that C cannot name, build or destroy, and what a C interface passes in
 * their place. Only the common ones: an unknown type is assumed to be a C type.
 */

/** What a C signature uses instead of a C++ type. */
export type CReplacement = 'text' | 'buffer' | 'callback' | 'handle';

const STANDARD_CLASSES: ReadonlyMap<string, CReplacement> = new Map<string, CReplacement>([
  ...['string', 'wstring', 'u8string', 'u16string', 'u32string', 'basic_string', 'string_view', 'wstring_view', 'u16string_view', 'u32string_view', 'basic_string_view'].map(
    (name) => [name, 'text'] as [string, CReplacement],
  ),
  ...['vector', 'array', 'span', 'deque', 'list', 'forward_list', 'valarray'].map((name) => [name, 'buffer'] as [string, CReplacement]),
  ['function', 'callback'],
  ...[
    'map',
    'unordered_map',
    'multimap',
    'unordered_multimap',
    'set',
    'unordered_set',
    'multiset',
    'unordered_multiset',
    'pair',
    'tuple',
    'optional',
    'variant',
    'any',
    'unique_ptr',
    'shared_ptr',
    'weak_ptr',
    'exception',
    'runtime_error',
    'thread',
    'mutex',
    'istream',
    'ostream',
    'iostream',
    'stringstream',
    'ostringstream',
    'istringstream',
    'fstream',
    'ifstream',
    'ofstream',
  ].map((name) => [name, 'handle'] as [string, CReplacement]),
]);

/** The standard class a type names (`std::vector<int>` → `vector`) and its C replacement; undefined for other types. */
export function standardClassType(type: string): { name: string; replacement: CReplacement } | undefined {
  const match = /^(?:::)?std::(?:__\w+::)?(\w+)\s*(?:<|$)/.exec(type.replace(/\b(?:const|volatile)\b/g, '').trim());
  const replacement = match ? STANDARD_CLASSES.get(match[1]) : undefined;
  return match && replacement ? { name: match[1], replacement } : undefined;
}

/**
 * Aliases this file declares (`typedef std::string Text;`, `using Rows = std::vector<Row>;`), by
 * name, with the type they stand for as written.
 */
export function readTypeAliases(root: Node): Map<string, string> {
  const aliases = new Map<string, string>();
  for (const node of root.descendantsOfType(['type_definition', 'alias_declaration'])) {
    if (!node) continue;
    if (node.type === 'alias_declaration') {
      const name = node.childForFieldName('name');
      const type = node.childForFieldName('type');
      if (name && type) aliases.set(name.text, type.text);
      continue;
    }
    const type = node.childForFieldName('type');
    const declarator = node.childForFieldName('declarator');
    // Only plain aliases: `typedef std::string *TextRef;` names a pointer, which C can carry.
    if (type && declarator?.type === 'type_identifier') aliases.set(declarator.text, type.text);
  }
  return aliases;
}

/** The type an alias stands for, following aliases of aliases (a cycle stops the walk). */
export function resolveAlias(type: string, aliases: ReadonlyMap<string, string>): string {
  let current = type.replace(/\b(?:const|volatile)\b/g, '').trim();
  const seen = new Set<string>();
  while (aliases.has(current) && !seen.has(current)) {
    seen.add(current);
    current = aliases.get(current)!.replace(/\b(?:const|volatile)\b/g, '').trim();
  }
  return current;
}
