import type { Node } from 'web-tree-sitter';

/**
 * Where a Python name gets its value: the statements of a scope (module, function, lambda or class
 * body) that bind it, and the value each binds when the syntax says (`x = value`). Used to follow
 * a variable back to what was assigned to it without running anything.
 */
export interface NameBinding {
  /** The identifier being bound. */
  readonly name: Node;
  /** The assigned expression, for a plain `name = value` or `name := value`; undefined otherwise. */
  readonly value?: Node;
}

const SCOPE_TYPES = ['function_definition', 'lambda', 'class_definition', 'module'];
const PARAMETER_LISTS = ['parameters', 'lambda_parameters'];
const COMPREHENSIONS = ['list_comprehension', 'set_comprehension', 'dictionary_comprehension', 'generator_expression'];

/** The scope `node` is evaluated in: a function's name, decorators and defaults belong outside it. */
export function scopeOf(node: Node): Node {
  let previous = node;
  for (let current = node.parent; current; previous = current, current = current.parent) {
    if (!SCOPE_TYPES.includes(current.type)) continue;
    if (current.type === 'module' || current.type === 'lambda') return current;
    const inside = previous.id === current.childForFieldName('body')?.id || previous.id === current.childForFieldName('parameters')?.id;
    if (inside) return current;
  }
  return node.tree.rootNode;
}

/** The scope a name used in `scope` is looked up in next: class bodies are skipped. */
function enclosingLookupScope(scope: Node): Node | undefined {
  if (scope.type === 'module') return undefined;
  let outer = scopeOf(scope);
  while (outer.type === 'class_definition') outer = scopeOf(outer);
  return outer;
}

function finalValue(assignment: Node): Node | undefined {
  let value = assignment.childForFieldName('right');
  while (value?.type === 'assignment') value = value.childForFieldName('right');
  return value ?? undefined;
}

/**
 * `undefined` when the identifier is not a binding occurrence; otherwise the binding, with its value
 * when it has a single plain one. A `global`/`nonlocal` declaration is reported as `'declared'`.
 */
function bindingAt(identifier: Node): NameBinding | 'declared' | undefined {
  const parent = identifier.parent;
  if (!parent) return undefined;
  switch (parent.type) {
    case 'assignment':
      return parent.childForFieldName('left')?.id === identifier.id ? { name: identifier, value: finalValue(parent) } : undefined;
    case 'augmented_assignment':
      return parent.childForFieldName('left')?.id === identifier.id ? { name: identifier } : undefined;
    case 'named_expression':
      return parent.childForFieldName('name')?.id === identifier.id
        ? { name: identifier, value: parent.childForFieldName('value') ?? undefined }
        : undefined;
    case 'pattern_list':
    case 'tuple_pattern':
    case 'list_pattern':
    case 'list_splat_pattern':
    case 'as_pattern_target':
    case 'dictionary_splat_pattern':
      return { name: identifier };
    case 'for_statement':
      return parent.childForFieldName('left')?.id === identifier.id ? { name: identifier } : undefined;
    case 'function_definition':
    case 'class_definition':
      return parent.childForFieldName('name')?.id === identifier.id ? { name: identifier } : undefined;
    case 'default_parameter':
    case 'typed_default_parameter':
      return parent.childForFieldName('name')?.id === identifier.id ? { name: identifier } : undefined;
    case 'typed_parameter':
      return parent.namedChild(0)?.id === identifier.id ? { name: identifier } : undefined;
    case 'aliased_import':
      return parent.childForFieldName('alias')?.id === identifier.id ? { name: identifier } : undefined;
    case 'dotted_name':
      return ['import_statement', 'import_from_statement'].includes(parent.parent?.type ?? '') && parent.namedChild(0)?.id === identifier.id
        ? { name: identifier }
        : undefined;
    case 'global_statement':
    case 'nonlocal_statement':
      return 'declared';
    default:
      return PARAMETER_LISTS.includes(parent.type) ? { name: identifier } : undefined;
  }
}

/** The scope a binding occurrence binds in (a `for` inside a comprehension binds in its own scope). */
function bindingScope(identifier: Node): Node | undefined {
  for (let current = identifier.parent; current; current = current.parent) {
    if (current.type === 'for_in_clause') return undefined;
    if (COMPREHENSIONS.includes(current.type) || SCOPE_TYPES.includes(current.type)) break;
  }
  return scopeOf(identifier);
}

/** Name bindings per scope, read once per scope on demand. */
export class NameBindings {
  private readonly byScope = new Map<number, Map<string, NameBinding[] | 'declared'>>();
  private declaredNames?: Set<string>;

  /** How `scope` itself binds `name`: none (`[]`), its bindings, or `'declared'` when it says `global`/`nonlocal`. */
  inScope(scope: Node, name: string): readonly NameBinding[] | 'declared' {
    return this.index(scope).get(name) ?? [];
  }

  /**
   * The scope and bindings a name used at `use` resolves to, looking outward as Python does
   * (skipping class bodies). Undefined when a `global`/`nonlocal` statement makes it unclear, or
   * when nothing in the module binds it (a builtin).
   */
  lookup(use: Node): { scope: Node; bindings: readonly NameBinding[] } | undefined {
    for (let scope: Node | undefined = scopeOf(use); scope; scope = enclosingLookupScope(scope)) {
      const found = this.inScope(scope, use.text);
      if (found === 'declared') return undefined;
      // A function that says `global name` may rebind a module-level name from anywhere.
      if (found.length > 0) return scope.type === 'module' && this.isDeclaredSomewhere(scope, use.text) ? undefined : { scope, bindings: found };
    }
    return undefined;
  }

  private isDeclaredSomewhere(module: Node, name: string): boolean {
    this.declaredNames ??= new Set(
      module
        .descendantsOfType(['global_statement', 'nonlocal_statement'])
        .flatMap((statement) => statement.namedChildren.map((child) => child.text)),
    );
    return this.declaredNames.has(name);
  }

  private index(scope: Node): Map<string, NameBinding[] | 'declared'> {
    let names = this.byScope.get(scope.id);
    if (names) return names;
    names = new Map();
    for (const identifier of scope.descendantsOfType('identifier')) {
      const binding = bindingAt(identifier);
      if (!binding || bindingScope(identifier)?.id !== scope.id) continue;
      const known = names.get(identifier.text);
      if (binding === 'declared' || known === 'declared') names.set(identifier.text, 'declared');
      else names.set(identifier.text, [...(known ?? []), binding]);
    }
    this.byScope.set(scope.id, names);
    return names;
  }
}
