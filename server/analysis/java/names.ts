import type { Node } from 'web-tree-sitter';

/** Where a Java name was declared. */
export type JavaBindingKind = 'local' | 'resource' | 'parameter' | 'field';

/** One declaration of a Java variable: a local, a try-with-resources resource, a parameter or a field. */
export interface JavaBinding {
  name: string;
  kind: JavaBindingKind;
  /** The declarator (`variable_declarator`, `resource`, a parameter node): its id identifies the binding. */
  declarator: Node;
  /** The initialiser, when the declaration has one. */
  value?: Node;
  /** The node the name is visible in: the block, try statement, method or class body. */
  scope: Node;
  /** True for `static` fields. */
  isStatic: boolean;
}

/** Nodes whose body is code of its own: a reference inside one belongs to it, not to the code around it. */
export const JAVA_FUNCTIONS: readonly string[] = [
  'method_declaration',
  'constructor_declaration',
  'compact_constructor_declaration',
  'lambda_expression',
  'static_initializer',
];

const CLASS_BODIES = new Set(['class_body', 'enum_body', 'interface_body', 'enum_body_declarations']);
const BLOCKS = new Set(['block', 'constructor_body', 'switch_block_statement_group', 'switch_rule']);

function hasStatic(declaration: Node): boolean {
  return declaration.namedChildren.some((child) => child?.type === 'modifiers' && /\bstatic\b/.test(child.text));
}

function fromDeclarator(declarator: Node, kind: JavaBindingKind, scope: Node, isStatic = false): JavaBinding | undefined {
  const name = declarator.childForFieldName('name');
  if (!name) return undefined;
  return { name: name.text, kind, declarator, value: declarator.childForFieldName('value') ?? undefined, scope, isStatic };
}

/** The last local declared by the statements of `block` that end before `before`, named `name`. */
function localIn(block: Node, name: string, before: number): JavaBinding | undefined {
  let found: JavaBinding | undefined;
  for (const statement of block.namedChildren) {
    if (!statement || statement.startIndex >= before) break;
    if (statement.type !== 'local_variable_declaration') continue;
    for (const declarator of statement.childrenForFieldName('declarator')) {
      if (declarator?.childForFieldName('name')?.text === name) found = fromDeclarator(declarator, 'local', block);
    }
  }
  return found;
}

/** A field named `name` declared directly in a class body. */
export function fieldIn(body: Node, name: string): JavaBinding | undefined {
  for (const member of body.namedChildren) {
    if (member?.type !== 'field_declaration' && member?.type !== 'constant_declaration') continue;
    for (const declarator of member.childrenForFieldName('declarator')) {
      if (declarator?.childForFieldName('name')?.text === name) {
        return fromDeclarator(declarator, 'field', body, member.type === 'constant_declaration' || hasStatic(member));
      }
    }
  }
  return undefined;
}

function parameterIn(parameters: Node | null, name: string, scope: Node): JavaBinding | undefined {
  if (!parameters) return undefined;
  if (parameters.type === 'identifier') {
    return parameters.text === name ? { name, kind: 'parameter', declarator: parameters, scope, isStatic: false } : undefined;
  }
  for (const parameter of parameters.namedChildren) {
    if (!parameter) continue;
    const declared = parameter.type === 'identifier' ? parameter : parameter.childForFieldName('name');
    if (declared?.text === name) return { name, kind: 'parameter', declarator: parameter, scope, isStatic: false };
  }
  return undefined;
}

/**
 * The declaration a variable name refers to at `identifier`, walking outwards through blocks,
 * resources, loop headers, parameters and the fields of the enclosing classes. Undefined for names
 * declared elsewhere (inherited fields, other files).
 */
export function resolveName(identifier: Node): JavaBinding | undefined {
  const name = identifier.text;
  const at = identifier.startIndex;
  for (let node: Node | null = identifier, scope = identifier.parent; scope; node = scope, scope = scope.parent) {
    if (BLOCKS.has(scope.type)) {
      const local = localIn(scope, name, at);
      if (local) return local;
    } else if (scope.type === 'try_with_resources_statement') {
      const resources = scope.childForFieldName('resources');
      for (const resource of resources?.namedChildren ?? []) {
        if (!resource || resource.startIndex >= at) break;
        if (resource.type === 'resource' && resource.childForFieldName('name')?.text === name) {
          return fromDeclarator(resource, 'resource', scope);
        }
      }
    } else if (scope.type === 'for_statement') {
      for (const init of scope.childrenForFieldName('init')) {
        if (init?.type !== 'local_variable_declaration' || init.id === node?.id) continue;
        for (const declarator of init.childrenForFieldName('declarator')) {
          if (declarator?.childForFieldName('name')?.text === name) return fromDeclarator(declarator, 'local', scope);
        }
      }
    } else if (scope.type === 'enhanced_for_statement') {
      if (scope.childForFieldName('name')?.text === name && node?.id === scope.childForFieldName('body')?.id) {
        return { name, kind: 'local', declarator: scope, scope, isStatic: false };
      }
    } else if (scope.type === 'catch_clause') {
      const parameter = scope.namedChildren.find((child) => child?.type === 'catch_formal_parameter');
      if (parameter?.childForFieldName('name')?.text === name) return { name, kind: 'parameter', declarator: parameter, scope, isStatic: false };
    } else if (scope.type === 'lambda_expression') {
      const parameter = parameterIn(scope.childForFieldName('parameters'), name, scope);
      if (parameter) return parameter;
    } else if (scope.type === 'method_declaration' || scope.type === 'constructor_declaration') {
      const parameter = parameterIn(scope.childForFieldName('parameters'), name, scope);
      if (parameter) return parameter;
    } else if (CLASS_BODIES.has(scope.type)) {
      const field = fieldIn(scope, name);
      if (field) return field;
    }
  }
  return undefined;
}

/** True when `identifier` reads or writes a variable (not a method name, a type, or the `x` of `a.x`). */
export function isVariableReference(identifier: Node): boolean {
  const parent = identifier.parent;
  if (!parent || identifier.type !== 'identifier') return false;
  const field = (name: string) => parent.childForFieldName(name)?.id === identifier.id;
  switch (parent.type) {
    case 'method_invocation':
      return field('object');
    case 'field_access':
      return field('object');
    case 'variable_declarator':
    case 'resource':
    case 'formal_parameter':
    case 'catch_formal_parameter':
    case 'enhanced_for_statement':
      return !field('name');
    case 'method_declaration':
    case 'constructor_declaration':
    case 'class_declaration':
    case 'labeled_statement':
    case 'break_statement':
    case 'continue_statement':
    case 'method_reference':
    case 'scoped_identifier':
    case 'inferred_parameters':
      return false;
    case 'lambda_expression':
      return !field('parameters');
    default:
      return true;
  }
}

/** The binding `this.x` or a bare field name `x` refers to, when it is a field of an enclosing class. */
export function referencedField(target: Node): JavaBinding | undefined {
  if (target.type === 'identifier') {
    const binding = resolveName(target);
    return binding?.kind === 'field' ? binding : undefined;
  }
  if (target.type !== 'field_access' || target.childForFieldName('object')?.type !== 'this') return undefined;
  const name = target.childForFieldName('field');
  if (!name) return undefined;
  for (let scope = target.parent; scope; scope = scope.parent) {
    if (CLASS_BODIES.has(scope.type)) return fieldIn(scope, name.text);
  }
  return undefined;
}

/** Every reference to `binding` inside `within` (default: where it is visible). */
export function referencesTo(binding: JavaBinding, within: Node = binding.scope): Node[] {
  const references: Node[] = [];
  for (const identifier of within.descendantsOfType('identifier')) {
    if (!identifier || identifier.text !== binding.name || !isVariableReference(identifier)) continue;
    if (resolveName(identifier)?.declarator.id === binding.declarator.id) references.push(identifier);
  }
  if (binding.kind === 'field') {
    for (const access of within.descendantsOfType('field_access')) {
      if (access?.childForFieldName('field')?.text !== binding.name) continue;
      if (referencedField(access)?.declarator.id === binding.declarator.id) references.push(access);
    }
  }
  return references.sort((a, b) => a.startIndex - b.startIndex);
}

/** The innermost method, constructor, lambda or initializer whose code contains `node`. */
export function enclosingFunction(node: Node): Node | undefined {
  for (let current = node.parent; current; current = current.parent) {
    if (JAVA_FUNCTIONS.includes(current.type)) return current;
  }
  return undefined;
}

/** `(x)` → `x`. */
export function unparenthesize(node: Node): Node {
  let current = node;
  while (current.type === 'parenthesized_expression' && current.namedChild(0)) current = current.namedChild(0)!;
  return current;
}
