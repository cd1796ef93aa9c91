import type { Node } from 'web-tree-sitter';
import { closestAncestor } from '../tree';

/**
 * The libraries a Python module opens with cffi in ABI mode (`lib = ffi.dlopen(...)` on an
 * `ffi = cffi.FFI()` of its own), the calls it makes through them, and whether the module also
 * builds or uses API mode. An `ffi` imported from elsewhere (out-of-line modules) is not tracked.
 * Plain names are resolved per function, as Python does: a `lib` bound in one function is not the
 * `lib` of another.
 */
export interface CffiAbiLibraries {
  /** The module builds or imports API mode (`set_source`, `verify`, `cffi_modules`, `from _x_cffi import lib`). */
  readonly usesApiMode: boolean;
  readonly libraries: readonly AbiLibrary[];
  /** Calls of library functions: `lib.fn(...)` or through an alias `fn = lib.fn`. */
  readonly calls: readonly LibraryCall[];
}

export interface AbiLibrary {
  /** The handle as written: `lib`, `self._lib`. */
  handle: string;
  /** The FFI object as written: `ffi`, `self._ffi`. */
  ffi: string;
  dlopen: Node;
  /** The name is also bound another way (an import, a compiled module, `except ImportError`). */
  hasFallback: boolean;
}

export interface LibraryCall {
  library: AbiLibrary;
  function: string;
  call: Node;
  /** The callee as written: `lib.fn` or an alias. */
  callee: Node;
}

type Binding =
  | { kind: 'ffi' }
  | { kind: 'library'; library: AbiLibrary }
  | { kind: 'alias'; library: AbiLibrary; name: string }
  | { kind: 'other' };

const API_MODE_METHODS = new Set(['set_source', 'verify', 'compile', 'emit_c_code', 'distutils_extension', 'set_source_pkgconfig']);

function isDottedName(node: Node | null): boolean {
  return node?.type === 'attribute' && /^[A-Za-z_][\w.]*$/.test(node.text);
}

/** How the module spells `cffi.FFI`: `cffi.FFI`, `c.FFI` (import cffi as c), `FFI`, or an alias. */
function ffiClassNames(root: Node): Set<string> {
  const spellings = new Set<string>();
  for (const statement of root.descendantsOfType(['import_statement', 'import_from_statement'])) {
    if (statement.type === 'import_statement') {
      for (const imported of statement.childrenForFieldName('name')) {
        if (imported.type === 'dotted_name' && imported.text === 'cffi') spellings.add('cffi.FFI');
        if (imported.type === 'aliased_import' && imported.childForFieldName('name')?.text === 'cffi') {
          spellings.add(`${imported.childForFieldName('alias')?.text}.FFI`);
        }
      }
    } else if (/^cffi(?:\.api)?$/.test(statement.childForFieldName('module_name')?.text ?? '')) {
      for (const imported of statement.childrenForFieldName('name')) {
        if (imported.type === 'dotted_name' && imported.text === 'FFI') spellings.add('FFI');
        if (imported.type === 'aliased_import' && imported.childForFieldName('name')?.text === 'FFI') {
          spellings.add(imported.childForFieldName('alias')?.text ?? 'FFI');
        }
      }
    }
  }
  return spellings;
}

/** Names a statement binds in its scope other than by plain assignment: imports, loop targets, `as`. */
function otherBindings(root: Node): Node[] {
  const names: Node[] = [];
  for (const statement of root.descendantsOfType(['import_statement', 'import_from_statement'])) {
    for (const imported of statement.childrenForFieldName('name')) {
      const local = imported.type === 'aliased_import' ? imported.childForFieldName('alias') : imported.firstNamedChild;
      if (local) names.push(local);
    }
  }
  for (const node of root.descendantsOfType(['for_statement', 'for_in_clause'])) {
    const target = node.childForFieldName('left');
    if (target) names.push(...(target.type === 'identifier' ? [target] : target.descendantsOfType('identifier')));
  }
  for (const item of root.descendantsOfType('as_pattern')) {
    const alias = item.childForFieldName('alias');
    if (alias) names.push(...alias.descendantsOfType('identifier'));
  }
  for (const parameters of root.descendantsOfType('parameters')) {
    for (const parameter of parameters.namedChildren) {
      const name = parameter.type === 'identifier' ? parameter : parameter.namedChildren.find((child) => child.type === 'identifier');
      if (name) names.push(name);
    }
  }
  return names;
}

/** `from _foo_cffi import ffi, lib`: the module also reaches a compiled (API-mode) cffi module. */
function importsCompiledModule(root: Node): boolean {
  return root.descendantsOfType('import_from_statement').some((statement) => {
    if (/_cffi$/.test(statement.childForFieldName('module_name')?.text ?? '')) return true;
    return statement.childrenForFieldName('name').some(
      (imported) => (imported.type === 'aliased_import' ? imported.childForFieldName('name')?.text : imported.text) === 'lib',
    );
  });
}

/** Inside `except` of a `try` that imports something: the compiled module is tried first. */
function isImportFallback(node: Node): boolean {
  const handler = closestAncestor(node, ['except_clause']);
  const attempt = handler?.parent?.type === 'try_statement' ? handler.parent.childForFieldName('body') : null;
  return (
    /\b(?:ImportError|ModuleNotFoundError)\b/.test(handler?.text.split(':')[0] ?? '') ||
    (attempt?.descendantsOfType(['import_statement', 'import_from_statement']).length ?? 0) > 0
  );
}

export function readCffiAbiLibraries(root: Node): CffiAbiLibraries {
  const libraries: AbiLibrary[] = [];
  const calls: LibraryCall[] = [];
  const classNames = ffiClassNames(root);
  if (classNames.size === 0) return { usesApiMode: false, libraries, calls };

  /** Scope (function or module) id → name → what it is bound to there. */
  const scopes = new Map<number, Map<string, Binding[]>>();
  /** Attribute chains (`self._lib`) are not scoped: one table for the module. */
  const attributes = new Map<string, Binding[]>();
  // A parameter's closest function is the one it belongs to, as Python scopes it.
  const scopeOf = (node: Node): Node => closestAncestor(node, ['function_definition']) ?? root;
  const bind = (target: Node, binding: Binding) => {
    if (target.type === 'identifier') {
      const scope = scopeOf(target);
      let table = scopes.get(scope.id);
      if (!table) scopes.set(scope.id, (table = new Map()));
      table.set(target.text, [...(table.get(target.text) ?? []), binding]);
    } else if (isDottedName(target)) {
      attributes.set(target.text, [...(attributes.get(target.text) ?? []), binding]);
    }
  };
  const globals = new Set<string>();
  for (const statement of root.descendantsOfType('global_statement')) {
    for (const name of statement.namedChildren) globals.add(`${scopeOf(statement).id}\0${name.text}`);
  }
  /** What a name means at `node`: the bindings of the innermost function (or the module) that binds it. */
  const lookup = (name: Node): Binding[] | undefined => {
    if (isDottedName(name)) return attributes.get(name.text);
    if (name.type !== 'identifier') return undefined;
    for (let scope: Node | undefined = scopeOf(name); scope; scope = scope.id === root.id ? undefined : scopeOf(scope)) {
      if (globals.has(`${scope.id}\0${name.text}`)) return scopes.get(root.id)?.get(name.text);
      const found = scopes.get(scope.id)?.get(name.text);
      if (found) return found;
    }
    return undefined;
  };
  const only = <K extends Binding['kind']>(bindings: Binding[] | undefined, kind: K) =>
    bindings && bindings.length > 0 && bindings.every((binding) => binding.kind === kind)
      ? (bindings as Extract<Binding, { kind: K }>[])
      : undefined;

  for (const name of otherBindings(root)) bind(name, { kind: 'other' });
  const assignments = root.descendantsOfType(['assignment', 'augmented_assignment', 'named_expression']);
  // First pass: what each assignment binds, in source order, so later lookups see every binding.
  const pending: { assignment: Node; left: Node; right: Node }[] = [];
  for (const assignment of assignments) {
    const left = assignment.childForFieldName(assignment.type === 'named_expression' ? 'name' : 'left');
    const right = assignment.childForFieldName('right') ?? assignment.childForFieldName('value');
    if (!left || !right) continue;
    if (left.type === 'identifier' || isDottedName(left)) pending.push({ assignment, left, right });
    else for (const name of left.descendantsOfType('identifier')) bind(name, { kind: 'other' });
  }
  const classified = new Map<number, Binding>();
  for (const { assignment, left, right } of pending) {
    const binding: Binding =
      assignment.type === 'assignment' && right.type === 'call' && classNames.has(right.childForFieldName('function')?.text ?? '')
        ? { kind: 'ffi' }
        : { kind: 'other' };
    classified.set(assignment.id, binding);
    bind(left, binding);
  }
  // Second pass: `lib = ffi.dlopen(...)` on a tracked FFI object, then `fn = lib.fn` aliases.
  for (const pass of ['library', 'alias'] as const) {
    for (const { assignment, left, right } of pending) {
      if (assignment.type !== 'assignment') continue;
      let binding: Binding | undefined;
      if (pass === 'library' && right.type === 'call') {
        const callee = right.childForFieldName('function');
        const ffi = callee?.type === 'attribute' ? callee.childForFieldName('object') : null;
        if (callee?.childForFieldName('attribute')?.text === 'dlopen' && ffi && only(lookup(ffi), 'ffi')) {
          const library: AbiLibrary = {
            handle: left.text,
            ffi: ffi.text,
            dlopen: right,
            hasFallback: isImportFallback(assignment),
          };
          libraries.push(library);
          binding = { kind: 'library', library };
        }
      } else if (pass === 'alias' && left.type === 'identifier' && right.type === 'attribute') {
        const object = right.childForFieldName('object');
        const name = right.childForFieldName('attribute')?.text;
        const library = object ? only(lookup(object), 'library') : undefined;
        if (library && name) binding = { kind: 'alias', library: library[0].library, name };
      }
      if (!binding) continue;
      // Replace this assignment's placeholder binding.
      const table = left.type === 'identifier' ? scopes.get(scopeOf(left).id) : attributes;
      const list = table?.get(left.text);
      const index = list?.indexOf(classified.get(assignment.id)!) ?? -1;
      if (list && index !== -1) list[index] = binding;
      classified.set(assignment.id, binding);
    }
  }
  // A handle also bound some other way (an import in a `try`, a compiled module) is not only ABI mode.
  for (const bindings of [...scopes.values()].flatMap((table) => [...table.values()]).concat([...attributes.values()])) {
    const found = bindings.filter((binding): binding is Extract<Binding, { kind: 'library' }> => binding.kind === 'library');
    if (found.length > 0 && found.length < bindings.length) for (const binding of found) binding.library.hasFallback = true;
  }

  let usesApiMode = /\bcffi_modules\b/.test(root.text) || importsCompiledModule(root);
  for (const call of root.descendantsOfType('call')) {
    const callee = call.childForFieldName('function');
    if (callee?.type === 'attribute') {
      const method = callee.childForFieldName('attribute')?.text ?? '';
      const object = callee.childForFieldName('object');
      const objectBindings = object ? lookup(object) : undefined;
      if (method === 'set_source' || (API_MODE_METHODS.has(method) && only(objectBindings, 'ffi'))) usesApiMode = true;
      const library = only(objectBindings, 'library');
      if (library) calls.push({ library: library[0].library, function: method, call, callee });
    } else if (callee?.type === 'identifier') {
      const alias = only(lookup(callee), 'alias');
      if (alias) calls.push({ library: alias[0].library, function: alias[0].name, call, callee });
    }
  }
  return { usesApiMode, libraries, calls };
}
