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

/**
 * Names of the functions this file declares or defines inside `extern "C"`. A later declaration
 * or definition of the same name inherits that linkage (C++ [dcl.link]), even without the prefix.
 */
export function namesWithCLinkage(root: Node): Set<string> {
  const names = new Set<string>();
  for (const block of root.descendantsOfType('linkage_specification')) {
    if (!block || block.childForFieldName('value')?.text !== '"C"') continue;
    for (const item of block.descendantsOfType(['declaration', 'function_definition'])) {
      if (!item || declaredLinkage(item) !== 'C') continue;
      const name = declaredFunctionName(item);
      if (name) names.add(name);
    }
  }
  return names;
}
