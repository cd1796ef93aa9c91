import type { Node } from 'web-tree-sitter';
import { closestAncestor } from '../tree';
import { qualifiedName, unparenthesize } from './expressions';
import { GO_FUNCTIONS } from './local-bindings';

/**
 * Helpers for following who owns a value in a cgo file: import names, callee names, conversions a
 * value passes through unchanged, and the `//export` functions C can call.
 */

/** The name a Go file uses for an imported package path (`"runtime/cgo"` → `cgo`, or its alias); undefined when not imported. */
export function importName(root: Node, importPath: string): string | undefined {
  for (const spec of root.descendantsOfType('import_spec')) {
    const path = spec.childForFieldName('path')?.text;
    if (path !== `"${importPath}"` && path !== `\`${importPath}\``) continue;
    const alias = spec.childForFieldName('name')?.text;
    if (alias === '_') continue;
    if (alias) return alias;
    return importPath.slice(importPath.lastIndexOf('/') + 1);
  }
  return undefined;
}

/** The name a call calls: `C.free` → `free`, `freeString` → `freeString`, `x.Close` → `Close`. */
export function calleeName(call: Node): string | undefined {
  const callee = call.childForFieldName('function');
  if (!callee) return undefined;
  if (callee.type === 'identifier') return callee.text;
  if (callee.type === 'selector_expression') return callee.childForFieldName('field')?.text;
  return undefined;
}

/** A call that only converts its single argument: `unsafe.Pointer(x)`, `(*C.char)(x)`, `uintptr(x)`. */
export function isConversion(call: Node): boolean {
  if (call.type === 'type_conversion_expression') return true;
  if (call.type !== 'call_expression') return false;
  const callee = call.childForFieldName('function');
  if (!callee) return false;
  if (callee.type === 'parenthesized_expression') return true;
  const qualified = qualifiedName(callee);
  if (qualified?.package === 'unsafe' && qualified.name === 'Pointer') return true;
  return callee.type === 'identifier' && callee.text === 'uintptr';
}

/**
 * The outermost expression `node` reaches through parentheses and conversions: for `p` in
 * `C.free(unsafe.Pointer(p))`, the `unsafe.Pointer(p)` node.
 */
export function liftThroughConversions(node: Node): Node {
  let current = node;
  for (;;) {
    const parent = current.parent;
    if (!parent) return current;
    if (parent.type === 'parenthesized_expression') {
      current = parent;
      continue;
    }
    if (parent.type === 'type_conversion_expression' && parent.childForFieldName('operand')?.id === current.id) {
      current = parent;
      continue;
    }
    if (parent.type === 'argument_list' && parent.parent && isConversion(parent.parent) && parent.namedChildCount === 1) {
      current = parent.parent;
      continue;
    }
    return current;
  }
}

/** When `value` is an argument of a call: that call. */
export function callTakingArgument(value: Node): Node | undefined {
  const parent = value.parent;
  return parent?.type === 'argument_list' && parent.parent?.type === 'call_expression' ? parent.parent : undefined;
}

/** The innermost function (declaration, method or literal) around `node`. */
export function enclosingFunction(node: Node): Node | undefined {
  return closestAncestor(node, GO_FUNCTIONS);
}

/** True when `node` runs as part of a `defer` statement (directly, or inside a deferred closure). */
export function isDeferred(node: Node, within: Node): boolean {
  for (let current = node.parent; current && current.id !== within.id; current = current.parent) {
    if (current.type === 'defer_statement') return true;
  }
  return false;
}

/** A function declaration preceded, on the line right above, by `//export Name`. */
export interface ExportedFunction {
  declaration: Node;
  name: string;
  comment: Node;
}

/** Every function C can call through `//export` in the file. */
export function exportedFunctions(root: Node): ExportedFunction[] {
  const found: ExportedFunction[] = [];
  for (const declaration of root.descendantsOfType('function_declaration')) {
    const comment = declaration.previousSibling;
    if (comment?.type !== 'comment' || comment.endPosition.row !== declaration.startPosition.row - 1) continue;
    const match = /^\/\/export\s+(\w+)/.exec(comment.text);
    if (!match) continue;
    found.push({ declaration, name: match[1], comment });
  }
  return found;
}

/** The expression inside parentheses, for callers that only have a maybe-parenthesized node. */
export function innermost(node: Node): Node {
  return unparenthesize(node);
}

/** The cgo preamble: the comment lines right above `import "C"`, joined. */
export function cgoPreamble(root: Node): string {
  for (const spec of root.descendantsOfType('import_spec')) {
    const path = spec.childForFieldName('path')?.text;
    if (path !== '"C"' && path !== '`C`') continue;
    const declaration = spec.parent?.type === 'import_declaration' ? spec.parent : spec.parent?.parent;
    const text: string[] = [];
    for (let comment = declaration?.previousSibling ?? null; comment?.type === 'comment'; comment = comment.previousSibling) text.unshift(comment.text);
    return text.join('\n');
  }
  return '';
}

/**
 * What the file's own preamble says about a C function: `undefined` when it does not mention it,
 * `'declared'` for a prototype only (its body lives elsewhere), or the text of its body.
 */
export function preambleFunction(preamble: string, name: string): { body?: string } | undefined {
  const pattern = new RegExp(`\\b${name.replace(/[^\w]/g, '')}\\s*\\(`, 'g');
  for (let match = pattern.exec(preamble); match; match = pattern.exec(preamble)) {
    // Skip to the end of the parameter list, then look at what follows it.
    let depth = 0;
    let index = match.index + match[0].length - 1;
    for (; index < preamble.length; index++) {
      if (preamble[index] === '(') depth++;
      else if (preamble[index] === ')' && --depth === 0) break;
    }
    const after = preamble.slice(index + 1).trimStart();
    if (after.startsWith(';')) return {};
    if (!after.startsWith('{')) continue; // a call inside another function
    let braces = 0;
    const start = preamble.length - after.length;
    for (let end = start; end < preamble.length; end++) {
      if (preamble[end] === '{') braces++;
      else if (preamble[end] === '}' && --braces === 0) return { body: preamble.slice(start, end + 1) };
    }
    return { body: preamble.slice(start) };
  }
  return undefined;
}
