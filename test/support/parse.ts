import { Parser, type Tree } from 'web-tree-sitter';
import type { LanguageId } from '../../server/engine/languages';
import { loadLanguage } from '../../server/engine/grammars';

/** Parses a snippet with the engine's grammar for `language`, for tests of the analysis helpers. */
export async function parseSnippet(language: LanguageId, source: string): Promise<Tree> {
  const grammar = await loadLanguage(language); // initialises the WASM runtime first
  const parser = new Parser();
  parser.setLanguage(grammar);
  const tree = parser.parse(source);
  parser.delete();
  if (!tree) throw new Error('no tree');
  return tree;
}
