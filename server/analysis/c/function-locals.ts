import type { Node } from 'web-tree-sitter';
import { variablesDeclaredBy } from './declarations';
import { readTokenParameter, type TokenFunction } from './token-functions';

/* The names a function body can see, read without trusting the parse of its blocks. */

/** What a use of a name inside a function can tell about the variable: its type and pointer depth. */
export interface VisibleVariable {
  name: string;
  typeName: string | undefined;
  pointerDepth: number;
  /** Where it was declared: `parameter`, `local`. */
  kind: 'parameter' | 'local';
}

/**
 * Looks up the parameters and local variables of one function by name, as seen at a source
 * offset: the latest local declared before it, else the parameter. Blocks are not told apart
 * (shadowing is rare), which also keeps it working where unknown macros have confused the parse.
 */
export function readFunctionVariables(root: Node, fn: TokenFunction): (name: string, at: number) => VisibleVariable | undefined {
  const parameters = new Map<string, VisibleVariable>();
  for (const tokens of fn.parameters) {
    const parameter = readTokenParameter(tokens);
    if (parameter.name) parameters.set(parameter.name, { ...parameter, name: parameter.name, kind: 'parameter' });
  }
  const locals = new Map<string, (VisibleVariable & { at: number })[]>();
  const [open, close] = [fn.body[0], fn.body[fn.body.length - 1]];
  for (const declaration of root.descendantsOfType('declaration', open.startPosition, close.endPosition)) {
    if (!declaration || declaration.startIndex < fn.start || declaration.endIndex > fn.end) continue;
    for (const variable of variablesDeclaredBy(declaration)) {
      // Function pointers are variables; other "function" declarators are prototypes, or statements
      // that an unknown macro before them made look like one (`Py_END_ALLOW_THREADS read(fd, …);`).
      if (variable.shape === 'function' && variable.declarator.descendantsOfType('parenthesized_declarator').length === 0) {
        continue;
      }
      const local = {
        name: variable.name,
        typeName: variable.shape === 'function' ? undefined : variable.typeName,
        pointerDepth: variable.pointerDepth,
        kind: 'local' as const,
        at: variable.nameNode.startIndex,
      };
      const list = locals.get(variable.name);
      if (list) list.push(local);
      else locals.set(variable.name, [local]);
    }
  }
  return (name, at) =>
    locals
      .get(name)
      ?.filter((variable) => variable.at < at)
      .at(-1) ?? parameters.get(name);
}
