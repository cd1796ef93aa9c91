import type { Node } from 'web-tree-sitter';
import { variablesDeclaredBy, type DeclaredVariable } from './declarations';

/* The names a function body can see, read without trusting the parse of its blocks. */

const PARAMETERS = new Set(['parameter_declaration', 'optional_parameter_declaration', 'variadic_parameter_declaration']);

function declaratorOf(definition: Node): Node | undefined {
  let current = definition.childForFieldName('declarator');
  while (current && current.type !== 'function_declarator') {
    current =
      current.childForFieldName('declarator') ??
      current.namedChildren.find((child) => child?.type.endsWith('declarator')) ??
      null;
  }
  return current ?? undefined;
}

/** The parameters of a function definition, in order. */
export function parametersOf(definition: Node): DeclaredVariable[] {
  const list = declaratorOf(definition)?.childForFieldName('parameters');
  return (list?.namedChildren ?? []).flatMap((child) =>
    child && PARAMETERS.has(child.type) ? variablesDeclaredBy(child) : [],
  );
}

/** The name a function definition gives, as written: `fastio_read`, `Reader::read`. */
export function definedFunctionName(definition: Node): string | undefined {
  return declaratorOf(definition)?.childForFieldName('declarator')?.text;
}

/**
 * Looks up the parameters and local variables of one function by name, as seen at a byte offset:
 * the latest local declared before it, else the parameter. Blocks are not told apart (shadowing
 * is rare), which also keeps it working where unknown macros have confused the parse of a block.
 */
export function readFunctionVariables(definition: Node): (name: string, at: number) => DeclaredVariable | undefined {
  const parameters = new Map(parametersOf(definition).map((variable) => [variable.name, variable]));
  const locals = new Map<string, DeclaredVariable[]>();
  const body = definition.childForFieldName('body');
  for (const declaration of body?.descendantsOfType('declaration') ?? []) {
    if (!declaration) continue;
    for (const variable of variablesDeclaredBy(declaration)) {
      // Function pointers are variables; other "function" declarators are prototypes, or statements
      // that an unknown macro before them made look like one (`Py_END_ALLOW_THREADS read(fd, …);`).
      if (variable.shape === 'function' && variable.declarator.descendantsOfType('parenthesized_declarator').length === 0) {
        continue;
      }
      const list = locals.get(variable.name);
      if (list) list.push(variable);
      else locals.set(variable.name, [variable]);
    }
  }
  return (name, at) =>
    locals
      .get(name)
      ?.filter((variable) => variable.nameNode.startIndex < at)
      .at(-1) ?? parameters.get(name);
}

/** Function definitions not nested in another (the parser makes some of macro-confused statements). */
export function outermostFunctions(root: Node): Node[] {
  return root.descendantsOfType('function_definition').filter((definition): definition is Node => {
    if (!definition) return false;
    for (let current = definition.parent; current; current = current.parent) {
      if (current.type === 'function_definition') return false;
    }
    return true;
  });
}
