import type { Node } from 'web-tree-sitter';
import { closestAncestor } from '../tree';

/** Nodes that open a Go function body: what a local variable belongs to. */
export const GO_FUNCTIONS: readonly string[] = ['function_declaration', 'method_declaration', 'func_literal'];

/** How a name got its current value. */
export type BindingKind = 'parameter' | 'declaration' | 'assignment' | 'range';

/** One place where a Go name is declared or assigned. */
export interface Binding {
  name: string;
  kind: BindingKind;
  /** The statement, parameter or range clause: a use inside it still sees the previous binding. */
  statement: Node;
  /** The declared type, when this binding (or, for an assignment, an earlier declaration) states one. */
  type?: Node;
  /** The assigned value, when the statement pairs one with the name. */
  value?: Node;
  /** For `for k, v := range x`: the ranged expression. */
  ranged?: Node;
}

/**
 * Which value a local name holds at a use, read flow-insensitively: the last binding of the name
 * before the use in the innermost function that binds it, else the last package-level one.
 * Nested blocks are not scopes here, which is close enough for the short cgo wrappers it serves.
 */
export class LocalBindings {
  private readonly byScope = new Map<number, Map<string, Binding[]>>();

  constructor(private readonly root: Node) {}

  resolve(identifier: Node): Binding | undefined {
    const name = identifier.text;
    if (name === '_') return undefined;
    for (let scope = closestAncestor(identifier, GO_FUNCTIONS); scope; scope = closestAncestor(scope, GO_FUNCTIONS)) {
      const found = lastBefore(this.bindingsOf(scope).get(name), identifier);
      if (found) return found;
    }
    return lastBefore(this.bindingsOf(this.root).get(name), identifier, true);
  }

  private bindingsOf(scope: Node): Map<string, Binding[]> {
    let bindings = this.byScope.get(scope.id);
    if (!bindings) {
      bindings = collectBindings(scope);
      this.byScope.set(scope.id, bindings);
    }
    return bindings;
  }
}

function lastBefore(bindings: Binding[] | undefined, use: Node, anywhere = false): Binding | undefined {
  let best: Binding | undefined;
  for (const binding of bindings ?? []) {
    const inside = use.startIndex >= binding.statement.startIndex && use.endIndex <= binding.statement.endIndex;
    if (inside && binding.kind !== 'parameter') continue;
    if (!anywhere && binding.statement.startIndex > use.startIndex) continue;
    if (!best || binding.statement.startIndex > best.statement.startIndex) best = binding;
  }
  return best;
}

const BINDING_NODES = [
  'parameter_declaration',
  'variadic_parameter_declaration',
  'short_var_declaration',
  'var_spec',
  'assignment_statement',
  'range_clause',
];

/** Every binding whose innermost function is `scope` (or, for the file, none). */
function collectBindings(scope: Node): Map<string, Binding[]> {
  const bindings = new Map<string, Binding[]>();
  const typeOf = new Map<string, Node>();
  const add = (binding: Binding) => {
    if (binding.name === '_') return;
    if (binding.type) typeOf.set(binding.name, binding.type);
    else if (binding.kind === 'assignment') binding.type = typeOf.get(binding.name);
    else typeOf.delete(binding.name);
    const list = bindings.get(binding.name) ?? [];
    list.push(binding);
    bindings.set(binding.name, list);
  };
  const isFile = !GO_FUNCTIONS.includes(scope.type);
  for (const node of scope.descendantsOfType(BINDING_NODES)) {
    const owner = closestAncestor(node, GO_FUNCTIONS);
    if (isFile ? owner !== undefined : owner?.id !== scope.id) continue;
    switch (node.type) {
      case 'parameter_declaration':
      case 'variadic_parameter_declaration': {
        // Parameters of a function *type* (`var f func(a int)`) bind nothing.
        if (node.parent?.parent?.id !== scope.id) continue;
        const type = node.childForFieldName('type') ?? undefined;
        for (const name of node.childrenForFieldName('name')) add({ name: name.text, kind: 'parameter', statement: node, type });
        break;
      }
      case 'var_spec': {
        const type = node.childForFieldName('type') ?? undefined;
        const names = node.childrenForFieldName('name');
        const values = node.childForFieldName('value')?.namedChildren ?? [];
        names.forEach((name, index) =>
          add({ name: name.text, kind: 'declaration', statement: node, type, value: values.length === names.length ? values[index] : undefined }),
        );
        break;
      }
      case 'short_var_declaration':
      case 'assignment_statement': {
        if (node.type === 'assignment_statement' && node.childForFieldName('operator')?.type !== '=') continue;
        const left = node.childForFieldName('left')?.namedChildren ?? [];
        const right = node.childForFieldName('right')?.namedChildren ?? [];
        const kind: BindingKind = node.type === 'short_var_declaration' ? 'declaration' : 'assignment';
        left.forEach((target, index) => {
          if (target.type !== 'identifier') return;
          add({ name: target.text, kind, statement: node, value: right.length === left.length ? right[index] : undefined });
        });
        break;
      }
      case 'range_clause': {
        const ranged = node.childForFieldName('right') ?? undefined;
        for (const target of node.childForFieldName('left')?.namedChildren ?? []) {
          if (target.type === 'identifier') add({ name: target.text, kind: 'range', statement: node, ranged });
        }
        break;
      }
    }
  }
  return bindings;
}
