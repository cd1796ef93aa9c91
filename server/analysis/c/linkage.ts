import type { Node } from 'web-tree-sitter';
import type { LanguageId } from '../../engine/languages';
import { functionDeclaratorOf } from './functions';

/**
 * Language linkage (`extern "C"`) of C++ declarations: which functions a C caller, a dynamic
 * loader or a binding generator can find by their plain name. In a C file everything has it.
 */

/** `C`, `C++` (or another string) for the innermost `extern "…"` around `node`; undefined when there is none. */
export function declaredLinkage(node: Node): string | undefined {
  for (let ancestor = node.parent; ancestor; ancestor = ancestor.parent) {
    if (ancestor.type === 'class_specifier' || ancestor.type === 'struct_specifier' || ancestor.type === 'union_specifier') {
      return undefined; // members always have C++ linkage, whatever block holds the class
    }
    if (ancestor.type === 'linkage_specification') {
      const value = ancestor.childForFieldName('value');
      return value?.text.replace(/^"|"$/g, '');
    }
  }
  return undefined;
}

/** True when the declaration or definition `node` has C language linkage as written at that place. */
export function hasCLinkage(node: Node, language: LanguageId): boolean {
  return language === 'c' || declaredLinkage(node) === 'C';
}

/** The plain name a function declaration or definition declares (`run` for `int run(void)`), if it has one. */
export function declaredFunctionName(node: Node): string | undefined {
  const declarator = functionDeclaratorOf(node);
  const name = declarator?.childForFieldName('declarator');
  return name?.type === 'identifier' ? name.text : undefined;
}

/** A declaration inside a function body declares a local (`std::vector<Slice> keys(n);` reads like a prototype). */
function isInBody(node: Node): boolean {
  for (let ancestor = node.parent; ancestor; ancestor = ancestor.parent) {
    if (ancestor.type === 'compound_statement') return true;
  }
  return false;
}

/**
 * Names of the functions this file declares or defines inside `extern "C"`. A later declaration
 * or definition of the same name inherits that linkage (C++ [dcl.link]), even without the prefix.
 */
export function namesWithCLinkage(root: Node): Set<string> {
  const names = new Set<string>();
  for (const block of root.descendantsOfType('linkage_specification')) {
    if (!block || block.childForFieldName('value')?.text !== '"C"') continue;
    for (const item of block.descendantsOfType(['declaration', 'function_definition'])) {
      if (!item || declaredLinkage(item) !== 'C' || isInBody(item)) continue;
      const name = declaredFunctionName(item);
      if (name) names.add(name);
    }
  }
  return names;
}

/**
 * True when a function declaration or definition has C linkage, as written at that place or
 * inherited from an `extern "C"` declaration of the same plain name elsewhere in the file
 * (`names` from namesWithCLinkage). Members and `extern "C++"` functions never inherit it.
 */
export function hasCLinkageInFile(node: Node, language: LanguageId, names: ReadonlySet<string>): boolean {
  if (hasCLinkage(node, language)) return true;
  const name = declaredFunctionName(node);
  if (!name || !names.has(name)) return false;
  for (let ancestor = node.parent; ancestor; ancestor = ancestor.parent) {
    if (['class_specifier', 'struct_specifier', 'union_specifier', 'linkage_specification'].includes(ancestor.type)) return false;
  }
  return true;
}
