import type { Node } from 'web-tree-sitter';
import { variablesDeclaredBy, type DeclaredVariable } from './declarations';

/** What a C/C++ file declares outside any function: variables, and class bodies by name. */
export interface FileScope {
  /** Variables at file or namespace scope (also in `extern "C"` and `#if` blocks), by name. */
  readonly variables: ReadonlyMap<string, readonly DeclaredVariable[]>;
  /** Bodies (`field_declaration_list`) of named classes, structs and unions, by name. */
  readonly classes: ReadonlyMap<string, readonly Node[]>;
  /** Names of the namespaces the file opens. */
  readonly namespaces: ReadonlySet<string>;
}

/** Nodes whose children are still at file scope. */
const FILE_SCOPE_CONTAINERS = new Set([
  'translation_unit',
  'linkage_specification',
  'namespace_definition',
  'declaration_list',
  'preproc_if',
  'preproc_ifdef',
  'preproc_else',
  'preproc_elif',
  'preproc_elifdef',
]);
const PREPROCESSOR_BLOCKS = new Set(['preproc_if', 'preproc_ifdef', 'preproc_else', 'preproc_elif', 'preproc_elifdef']);
const PARAMETERS = new Set([
  'parameter_declaration',
  'optional_parameter_declaration',
  'variadic_parameter_declaration',
]);
const CLASS_SPECIFIERS = ['class_specifier', 'struct_specifier', 'union_specifier'];

function addTo<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** The last name of a possibly qualified name node: `Foo` for `ns::Foo`. */
function lastName(node: Node): Node {
  let current = node;
  while (current.type === 'qualified_identifier') {
    const name = current.childForFieldName('name');
    if (!name) break;
    current = name;
  }
  return current;
}

export function readFileScope(root: Node): FileScope {
  const variables = new Map<string, DeclaredVariable[]>();
  const pending: Node[] = [root];
  while (pending.length > 0) {
    const node = pending.pop()!;
    for (const child of node.namedChildren) {
      if (!child) continue;
      if (child.type === 'declaration') {
        for (const variable of variablesDeclaredBy(child)) addTo(variables, variable.name, variable);
      } else if (FILE_SCOPE_CONTAINERS.has(child.type)) {
        pending.push(child);
      }
    }
  }
  const classes = new Map<string, Node[]>();
  for (const specifier of root.descendantsOfType(CLASS_SPECIFIERS)) {
    const name = specifier?.childForFieldName('name');
    const body = specifier?.childForFieldName('body');
    if (name && body) addTo(classes, lastName(name).text, body);
  }
  const namespaces = new Set<string>();
  for (const definition of root.descendantsOfType('namespace_definition')) {
    const name = definition?.childForFieldName('name');
    if (name) for (const part of name.text.split('::')) namespaces.add(part.trim());
  }
  return { variables, classes, namespaces };
}

/**
 * The data members visible in a class body: its own and those of base classes this file defines.
 * `complete` is false when a base class is defined elsewhere, so a name may be a member unseen.
 */
export function visibleMembers(body: Node, scope: FileScope): { members: DeclaredVariable[]; complete: boolean } {
  const members: DeclaredVariable[] = [];
  let complete = true;
  const seen = new Set<number>();
  const pending: Node[] = [body];
  while (pending.length > 0) {
    const current = pending.pop()!;
    if (seen.has(current.id)) continue;
    seen.add(current.id);
    members.push(...membersOf(current));
    const bases = current.parent?.namedChildren.find((child) => child?.type === 'base_class_clause');
    for (const base of bases?.namedChildren ?? []) {
      if (!base || base.type === 'access_specifier' || base.type === 'comment') continue;
      const baseName = splitQualifier(base.text).at(-1) ?? '';
      const baseBodies = scope.classes.get(baseName) ?? [];
      if (baseBodies.length === 0) complete = false;
      pending.push(...baseBodies);
    }
  }
  return { members, complete };
}

/** The data members a class body declares itself, `#if` blocks included. */
export function membersOf(body: Node): DeclaredVariable[] {
  const members: DeclaredVariable[] = [];
  const pending: Node[] = [body];
  while (pending.length > 0) {
    const node = pending.pop()!;
    for (const child of node.namedChildren) {
      if (!child) continue;
      if (child.type === 'field_declaration' || child.type === 'declaration') members.push(...variablesDeclaredBy(child));
      else if (PREPROCESSOR_BLOCKS.has(child.type)) pending.push(child);
    }
  }
  return members;
}

/** The function_declarator of a function definition or lambda, through pointer and reference declarators. */
function functionDeclaratorOf(definition: Node): Node | undefined {
  let current = definition.childForFieldName('declarator');
  while (current && current.type !== 'function_declarator' && current.type !== 'abstract_function_declarator') {
    current =
      current.childForFieldName('declarator') ??
      current.namedChildren.find((child) => child?.type.endsWith('declarator')) ??
      null;
  }
  return current ?? undefined;
}

function parametersOf(parameterList: Node | null | undefined): DeclaredVariable[] {
  if (!parameterList) return [];
  return parameterList.namedChildren.flatMap((child) =>
    child && PARAMETERS.has(child.type) ? variablesDeclaredBy(child) : [],
  );
}

/** Variables declared by direct children of `node` that start before `before`. */
function declaredBefore(node: Node, before: number, types: readonly string[] = ['declaration']): DeclaredVariable[] {
  return node.namedChildren.flatMap((child) =>
    child && types.includes(child.type) && child.startIndex < before ? variablesDeclaredBy(child) : [],
  );
}

/** The variables a scope-opening ancestor declares that are visible at `position`. */
function declaredIn(scope: Node, position: number): DeclaredVariable[] {
  switch (scope.type) {
    case 'compound_statement':
    case 'for_statement':
    case 'condition_clause':
      return declaredBefore(scope, position);
    case 'if_statement':
    case 'while_statement':
    case 'switch_statement': {
      const condition = scope.childForFieldName('condition');
      return condition?.type === 'condition_clause' ? declaredBefore(condition, position) : [];
    }
    case 'for_range_loop':
      return variablesDeclaredBy(scope);
    case 'catch_clause':
      return parametersOf(scope.childForFieldName('parameters'));
    case 'lambda_expression':
      return parametersOf(functionDeclaratorOf(scope)?.childForFieldName('parameters'));
    default:
      return [];
  }
}

/** What the name of a function definition says about where it belongs. */
interface Owner {
  /** Bodies of the class it is a member of, when this file shows them. */
  bodies: readonly Node[];
  /** `['Foo']` for `void Foo::f()`, `['ns']` for `void ns::f()`; undefined for unqualified definitions. */
  qualifier: string[] | undefined;
  /** The qualifier names a namespace of this file rather than a class. */
  isNamespace: boolean;
}

/** The class (or namespace) a function definition belongs to: its enclosing body, or `Foo` in `void Foo::f()`. */
function ownerOf(definition: Node, scope: FileScope): Owner {
  const parent = definition.parent?.type === 'template_declaration' ? definition.parent.parent : definition.parent;
  if (parent?.type === 'field_declaration_list') return { bodies: [parent], qualifier: undefined, isNamespace: false };
  const name = functionDeclaratorOf(definition)?.childForFieldName('declarator');
  if (name?.type !== 'qualified_identifier') return { bodies: [], qualifier: undefined, isNamespace: false };
  const qualifier = splitQualifier(name.text.slice(0, lastName(name).startIndex - name.startIndex));
  const last = qualifier.at(-1) ?? '';
  const bodies = scope.classes.get(last) ?? [];
  return { bodies, qualifier, isNamespace: bodies.length === 0 && scope.namespaces.has(last) };
}

/** Names of the namespaces enclosing `node`, outermost first; anonymous namespaces add nothing. */
function namespacesAround(node: Node): string[] {
  const names: string[] = [];
  for (let current = node.parent; current; current = current.parent) {
    if (current.type !== 'namespace_definition') continue;
    const name = current.childForFieldName('name');
    if (name) names.unshift(...name.text.split('::').map((part) => part.trim()));
  }
  return names;
}

function isPrefix(prefix: readonly string[], of: readonly string[]): boolean {
  return prefix.length <= of.length && prefix.every((part, index) => of[index] === part);
}

/** `::ns::Foo<T>::` → `['ns', 'Foo']`: the scopes a qualifier names, template arguments dropped. */
function splitQualifier(qualifier: string | undefined): string[] {
  if (!qualifier) return [];
  return qualifier
    .replace(/<[^<>]*(?:<[^<>]*>[^<>]*)*>/g, '')
    .split('::')
    .map((part) => part.trim())
    .filter((part) => part !== '');
}

/** `ns::x` at file scope, or `Foo::s_x` (a class's static member, in its body or defined out of line). */
function resolveQualified(use: Node, scope: FileScope): DeclaredVariable | undefined {
  const nameNode = lastName(use);
  if (nameNode.type !== 'identifier') return undefined;
  const parts = splitQualifier(use.text.slice(0, nameNode.startIndex - use.startIndex));
  const className = parts.at(-1);
  if (className) {
    for (const body of scope.classes.get(className) ?? []) {
      const member = membersOf(body).find((variable) => variable.name === nameNode.text);
      if (member) return member;
    }
  }
  return (scope.variables.get(nameNode.text) ?? []).find((variable) => {
    const scopes = [...namespacesAround(variable.declaration), ...splitQualifier(variable.qualifier)];
    return parts.length === scopes.length && isPrefix(parts, scopes);
  });
}

/**
 * The declaration an identifier (or qualified name) refers to, by C/C++ scope rules as far as one
 * file shows them: block locals declared before the use, parameters, members of the enclosing
 * class, then file-scope variables of enclosing namespaces. Undefined when this file does not
 * declare it (a header does, or it is a macro).
 */
export function resolveVariable(use: Node, scope: FileScope): DeclaredVariable | undefined {
  if (use.type === 'qualified_identifier') return resolveQualified(use, scope);
  if (use.type !== 'identifier') return undefined;
  const name = use.text;
  const namespaces = namespacesAround(use);
  let memberQualifier: string[] | undefined;
  for (let ancestor = use.parent; ancestor; ancestor = ancestor.parent) {
    if (ancestor.type === 'function_definition') {
      const parameters = parametersOf(functionDeclaratorOf(ancestor)?.childForFieldName('parameters'));
      const parameter = parameters.find((variable) => variable.name === name);
      if (parameter) return parameter;
      const owner = ownerOf(ancestor, scope);
      for (const body of owner.bodies) {
        const { members, complete } = visibleMembers(body, scope);
        const member = members.find((variable) => variable.name === name);
        if (member) return member;
        // A base class defined elsewhere may have a member of this name: do not guess.
        if (!complete) return undefined;
      }
      if (owner.qualifier !== undefined) {
        // So may a class declared elsewhere, when only its method is defined here.
        if (owner.bodies.length === 0 && !owner.isNamespace) return undefined;
        if (owner.isNamespace) namespaces.push(...owner.qualifier);
        else memberQualifier = owner.qualifier;
      }
      break;
    }
    const local = declaredIn(ancestor, use.startIndex).filter((variable) => variable.name === name).at(-1);
    if (local) return local;
  }
  const candidates = scope.variables.get(name) ?? [];
  return candidates.find((variable) => {
    if (variable.qualifier !== undefined) {
      const defines = splitQualifier(variable.qualifier);
      return memberQualifier !== undefined && defines.join('::') === memberQualifier.join('::');
    }
    return isPrefix(namespacesAround(variable.declaration), namespaces);
  });
}
