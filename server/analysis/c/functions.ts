import type { Node } from 'web-tree-sitter';
import { variablesDeclaredBy, type DeclaredVariable } from './declarations';

const PARAMETERS = new Set(['parameter_declaration', 'optional_parameter_declaration', 'variadic_parameter_declaration']);
const CLASS_SPECIFIERS = new Set(['class_specifier', 'struct_specifier', 'union_specifier']);

/** Nodes whose bodies run at another time than the code around them. */
export const NESTED_BODIES: ReadonlySet<string> = new Set(['function_definition', 'lambda_expression', 'class_specifier', 'struct_specifier']);

/** A function this file defines. */
export interface DefinedFunction {
  /** The last name: `run` for `Worker::run`. */
  name: string;
  /** The class it is a member of, from `Worker::run` or from the class body holding it. */
  owner: string | undefined;
  definition: Node;
  body: Node;
  parameters: DeclaredVariable[];
  isStatic: boolean;
}

/** The function_declarator of a definition, through pointer and reference declarators (`static void *worker(...)`). */
export function functionDeclaratorOf(definition: Node): Node | undefined {
  let current = definition.childForFieldName('declarator');
  while (current && current.type !== 'function_declarator') {
    current =
      current.childForFieldName('declarator') ??
      current.namedChildren.find((child) => child?.type.endsWith('declarator')) ??
      null;
  }
  return current ?? undefined;
}

function lastNameOf(node: Node): { name: Node; qualifier: string | undefined } | undefined {
  let current: Node | null = node;
  let qualifier: string | undefined;
  while (current?.type === 'qualified_identifier') {
    const scope = current.childForFieldName('scope');
    // `DWORD WINAPI worker(...)` parses as a qualified name without `::`: the macro is no scope.
    if (scope && current.text.includes('::')) qualifier = scope.text.replace(/<.*$/s, '');
    current = current.childForFieldName('name');
  }
  if (current?.type === 'template_function') current = current.childForFieldName('name');
  if (!current || !['identifier', 'field_identifier', 'type_identifier', 'destructor_name', 'operator_name'].includes(current.type))
    return undefined;
  return { name: current, qualifier };
}

/** The parameters of a function definition or lambda. */
export function parametersOf(definition: Node): DeclaredVariable[] {
  const declarator =
    definition.type === 'lambda_expression' ? definition.childForFieldName('declarator') : functionDeclaratorOf(definition);
  const list = declarator?.childForFieldName('parameters');
  if (!list) return [];
  return list.namedChildren.flatMap((child) => (child && PARAMETERS.has(child.type) ? variablesDeclaredBy(child) : []));
}

/** The name of the class whose body (`class Worker { … }`) directly holds a definition, if any. */
function enclosingClassName(definition: Node): string | undefined {
  let parent = definition.parent;
  if (parent?.type === 'template_declaration') parent = parent.parent;
  if (parent?.type !== 'field_declaration_list') return undefined;
  const specifier = parent.parent;
  if (!specifier || !CLASS_SPECIFIERS.has(specifier.type)) return undefined;
  return specifier.childForFieldName('name')?.text.replace(/^.*::/, '');
}

/** Reads one function definition; undefined for definitions without a body or a usable name. */
export function readFunctionDefinition(definition: Node): DefinedFunction | undefined {
  const declarator = functionDeclaratorOf(definition);
  const nameNode = declarator?.childForFieldName('declarator');
  const body = definition.childForFieldName('body');
  if (!nameNode || !body) return undefined;
  const parts = lastNameOf(nameNode);
  if (!parts) return undefined;
  const isStatic = definition.namedChildren.some(
    (child) => child?.type === 'storage_class_specifier' && child.text === 'static',
  );
  return {
    name: parts.name.text,
    owner: parts.qualifier?.replace(/^.*::/, '') ?? enclosingClassName(definition),
    definition,
    body,
    parameters: parametersOf(definition),
    isStatic,
  };
}

/** Every function the file defines, by last name (overloads and same-named methods share a name). */
export function readDefinedFunctions(root: Node): Map<string, DefinedFunction[]> {
  const functions = new Map<string, DefinedFunction[]>();
  for (const definition of root.descendantsOfType('function_definition')) {
    const read = definition ? readFunctionDefinition(definition) : undefined;
    if (!read) continue;
    const list = functions.get(read.name);
    if (list) list.push(read);
    else functions.set(read.name, [read]);
  }
  return functions;
}

/**
 * The one definition a name (`worker`, `Worker::run`, `&Worker::run`) refers to, or undefined when
 * the file defines none or several that the name does not tell apart.
 */
export function resolveFunction(name: Node, functions: ReadonlyMap<string, readonly DefinedFunction[]>): DefinedFunction | undefined {
  const parts = lastNameOf(name);
  if (!parts) return undefined;
  let candidates = functions.get(parts.name.text) ?? [];
  if (parts.qualifier !== undefined) {
    const owner = parts.qualifier.replace(/^.*::/, '');
    candidates = candidates.filter((candidate) => candidate.owner === owner || candidate.owner === undefined);
    if (candidates.length > 1) candidates = candidates.filter((candidate) => candidate.owner === owner);
  } else {
    candidates = candidates.filter((candidate) => candidate.owner === undefined || isWithinClassOf(name, candidate));
  }
  return candidates.length === 1 ? candidates[0] : undefined;
}

/** True when `use` sits in a member of the class that owns `candidate`, where an unqualified name can mean it. */
function isWithinClassOf(use: Node, candidate: DefinedFunction): boolean {
  for (let current = use.parent; current; current = current.parent) {
    if (current.type !== 'function_definition') continue;
    const read = readFunctionDefinition(current);
    if (read?.owner !== undefined && read.owner === candidate.owner) return true;
  }
  return false;
}

/** The function definition or lambda whose body holds `node`. */
export function enclosingFunction(node: Node): Node | undefined {
  for (let current = node.parent; current; current = current.parent) {
    if (current.type === 'function_definition' || current.type === 'lambda_expression') return current;
  }
  return undefined;
}

/**
 * The nodes of a body in document order, without descending into nested lambdas, local classes
 * and nested functions, whose code runs at another time.
 */
export function* walkBody(body: Node): Generator<Node> {
  const pending: Node[] = [body];
  while (pending.length > 0) {
    const node = pending.pop()!;
    yield node;
    for (let index = node.namedChildCount - 1; index >= 0; index--) {
      const child = node.namedChild(index);
      if (child && !NESTED_BODIES.has(child.type)) pending.push(child);
    }
  }
}

/**
 * The first thing `find` picks out of a same-file function's body, looking also (up to four calls
 * deep) into the same-file functions that `follow` says its calls run. Results are kept in `memo`
 * by definition, so a helper called from many places is read once; recursion finds nothing.
 */
export function firstReached<T>(
  fn: DefinedFunction,
  find: (node: Node) => T | undefined,
  follow: (call: Node) => DefinedFunction | undefined,
  memo: Map<number, T | null>,
  depth = 0,
): T | undefined {
  const known = memo.get(fn.definition.id);
  if (known !== undefined) return known ?? undefined;
  memo.set(fn.definition.id, null); // recursion: assume nothing until proven
  let found: T | undefined;
  for (const node of walkBody(fn.body)) {
    found = find(node);
    if (found !== undefined) break;
    const helper = node.type === 'call_expression' && depth < 4 ? follow(node) : undefined;
    found = helper ? firstReached(helper, find, follow, memo, depth + 1) : undefined;
    if (found !== undefined) break;
  }
  memo.set(fn.definition.id, found ?? null);
  return found;
}

/** A short name for a user: `worker`, `Worker::run`. */
export function displayName(fn: DefinedFunction): string {
  return fn.owner ? `${fn.owner}::${fn.name}` : fn.name;
}
