import type { Node } from 'web-tree-sitter';
import { closestAncestor } from '../tree';

/**
 * Where a C/C++ variable lives, which decides how long a value stored in it survives.
 * `global`: file or namespace scope with external linkage (including `extern` declarations);
 * `static-global`: file scope with `static`; `static-local`: `static` (or `extern`) in a block;
 * `static-member`: a C++ `static` data member; `thread-local`: any `thread_local`, `__thread`,
 * `_Thread_local` or `__declspec(thread)` variable; `local`, `parameter` and `member` (an
 * instance field) live no longer than their call or object.
 */
export type Storage =
  | 'global'
  | 'static-global'
  | 'static-local'
  | 'static-member'
  | 'thread-local'
  | 'local'
  | 'parameter'
  | 'member';

/** Whether a declarator declares a plain variable (pointer or not), an array, a function or a reference. */
export type DeclaratorShape = 'plain' | 'array' | 'function' | 'reference';

/** One name that a declaration, parameter or field introduces. */
export interface DeclaredVariable {
  name: string;
  /** The identifier (or field_identifier) in the declarator. */
  nameNode: Node;
  /** For `JNIEnv *Foo::s_env` or `ns::g`, the qualifier as written (`Foo`, `ns`). */
  qualifier: string | undefined;
  /** The declaration, parameter_declaration, field_declaration or for_range_loop. */
  declaration: Node;
  /** The whole declarator, init_declarator included. */
  declarator: Node;
  /** The base type as written: `JNIEnv`, `struct ctx`, `std::string`; undefined for anonymous structs. */
  typeName: string | undefined;
  /** How many `*` the declarator adds: `JNIEnv **p` has 2. */
  pointerDepth: number;
  shape: DeclaratorShape;
  /** The initializer value (`= x`, `{...}`, `(x)`), if any. */
  initializer: Node | undefined;
  storage: Storage;
}

const SCOPE_SPECIFIERS = ['struct_specifier', 'union_specifier', 'enum_specifier', 'class_specifier'];
const THREAD_LOCAL_SPECIFIERS = new Set(['thread_local', '__thread', '_Thread_local']);
const THREAD_LOCAL_TEXT = /\b(?:thread_local|_Thread_local|__thread)\b|__declspec\s*\(\s*thread\s*\)/;
/** Nodes whose declarations are local to a block rather than to the file. */
const BLOCK_SCOPES = [
  'compound_statement',
  'for_statement',
  'for_range_loop',
  'condition_clause',
  'parameter_list',
  'field_declaration_list',
  'lambda_expression',
];

/** The base type of a declaration as a short name, or undefined when it is an anonymous type. */
function typeNameOf(type: Node | null): string | undefined {
  if (!type) return undefined;
  if (SCOPE_SPECIFIERS.includes(type.type)) {
    const name = type.childForFieldName('name');
    const keyword = type.child(0)?.type ?? '';
    return name ? `${keyword} ${name.text}` : undefined;
  }
  return type.text;
}

/** The storage class words of a declaration: `static`, `extern`, `thread_local`, … */
export function storageSpecifiersOf(declaration: Node): string[] {
  return declaration.namedChildren
    .filter((child): child is Node => child?.type === 'storage_class_specifier')
    .map((child) => child.text);
}

/** True when the declaration makes its variables thread-local, however the compiler spells it. */
export function isThreadLocalDeclaration(declaration: Node): boolean {
  if (storageSpecifiersOf(declaration).some((specifier) => THREAD_LOCAL_SPECIFIERS.has(specifier))) return true;
  const type = declaration.childForFieldName('type');
  const prefix = type ? declaration.text.slice(0, type.startIndex - declaration.startIndex) : declaration.text;
  return THREAD_LOCAL_TEXT.test(prefix);
}

/** True when `node` sits at file scope: in the translation unit, a namespace, `extern "C"` or `#if`. */
export function isAtFileScope(node: Node): boolean {
  const scope = closestAncestor(node, [...BLOCK_SCOPES, 'translation_unit']);
  return !scope || scope.type === 'translation_unit';
}

function storageOf(declaration: Node, qualifier: string | undefined): Storage {
  switch (declaration.type) {
    case 'parameter_declaration':
    case 'optional_parameter_declaration':
    case 'variadic_parameter_declaration':
      return 'parameter';
    case 'field_declaration':
      if (isThreadLocalDeclaration(declaration)) return 'thread-local';
      return storageSpecifiersOf(declaration).includes('static') ? 'static-member' : 'member';
    case 'for_range_loop':
      return 'local';
  }
  if (isThreadLocalDeclaration(declaration)) return 'thread-local';
  const specifiers = storageSpecifiersOf(declaration);
  if (isAtFileScope(declaration)) {
    if (specifiers.includes('static')) return 'static-global';
    return qualifier ? 'static-member' : 'global';
  }
  if (specifiers.includes('static')) return 'static-local';
  if (specifiers.includes('extern')) return 'global';
  return 'local';
}

interface DeclaratorParts {
  nameNode: Node;
  qualifier: string | undefined;
  pointerDepth: number;
  shape: DeclaratorShape;
  initializer: Node | undefined;
}

/** Unwraps a declarator down to the name it declares, counting pointers on the way. */
export function readDeclarator(declarator: Node): DeclaratorParts | undefined {
  let pointerDepth = 0;
  let shape: DeclaratorShape = 'plain';
  let initializer: Node | undefined;
  let current: Node | null = declarator;
  if (current.type === 'init_declarator') {
    initializer = current.childForFieldName('value') ?? undefined;
    current = current.childForFieldName('declarator');
  }
  while (current) {
    switch (current.type) {
      case 'identifier':
      case 'field_identifier':
        return { nameNode: current, qualifier: undefined, pointerDepth, shape, initializer };
      case 'qualified_identifier': {
        let name: Node | null = current;
        while (name?.type === 'qualified_identifier') name = name.childForFieldName('name');
        if (name?.type !== 'identifier') return undefined;
        const qualifier = current.text.slice(0, name.startIndex - current.startIndex).replace(/::\s*$/, '').trim();
        return { nameNode: name, qualifier, pointerDepth, shape, initializer };
      }
      case 'pointer_declarator':
        pointerDepth += 1;
        current = current.childForFieldName('declarator');
        break;
      case 'function_declarator':
        shape = 'function';
        current = current.childForFieldName('declarator');
        break;
      case 'array_declarator':
        if (shape !== 'function') shape = 'array';
        current = current.childForFieldName('declarator');
        break;
      case 'reference_declarator':
        if (shape === 'plain') shape = 'reference';
        current = current.namedChildren.find((child) => child !== null) ?? null;
        break;
      case 'parenthesized_declarator':
      case 'attributed_declarator':
        current =
          current.namedChildren.find((child) => child !== null && child.type !== 'attribute_declaration') ?? null;
        break;
      default:
        return undefined;
    }
  }
  return undefined;
}

/**
 * The variables a declaration-like node introduces: a declaration (all its declarators), a
 * parameter, a field declaration or a range-for loop variable. Function prototypes come back with
 * shape `function`; typedefs are not declarations of variables and give nothing.
 */
export function variablesDeclaredBy(declaration: Node): DeclaredVariable[] {
  const typeName = typeNameOf(declaration.childForFieldName('type'));
  const declarators = declaration.childrenForFieldName('declarator').filter((node): node is Node => node !== null);
  const sharedValue = declaration.type === 'declaration' ? declaration.childForFieldName('value') : null;
  const variables: DeclaredVariable[] = [];
  for (const declarator of declarators) {
    const parts = readDeclarator(declarator);
    if (!parts) continue;
    variables.push({
      name: parts.nameNode.text,
      nameNode: parts.nameNode,
      qualifier: parts.qualifier,
      declaration,
      declarator,
      typeName,
      pointerDepth: parts.pointerDepth,
      shape: parts.shape,
      initializer: parts.initializer ?? (declarators.length === 1 ? (sharedValue ?? undefined) : undefined),
      storage: storageOf(declaration, parts.qualifier),
    });
  }
  return variables;
}

/** True for a plain pointer variable to `typeName` with exactly `depth` stars: `JNIEnv *env`. */
export function isPointerTo(variable: DeclaredVariable, typeName: string, depth = 1): boolean {
  return variable.shape === 'plain' && variable.pointerDepth === depth && variable.typeName === typeName;
}

const STORAGE_OUTLIVING_CALLS: ReadonlySet<Storage> = new Set<Storage>([
  'global',
  'static-global',
  'static-local',
  'static-member',
]);

/** Storage that outlives every call: whatever is stored there is seen by later calls and other threads. */
export function outlivesCalls(storage: Storage): boolean {
  return STORAGE_OUTLIVING_CALLS.has(storage);
}

/** A few words for a user: `global`, `static global`, `static local`, `static class member`. */
export function describeStorage(storage: Storage): string {
  switch (storage) {
    case 'global':
      return 'global';
    case 'static-global':
      return 'static global';
    case 'static-local':
      return 'static local';
    case 'static-member':
      return 'static class member';
    case 'thread-local':
      return 'thread-local variable';
    case 'local':
      return 'local variable';
    case 'parameter':
      return 'parameter';
    case 'member':
      return 'member';
  }
}
