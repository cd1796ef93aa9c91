import type { Node } from 'web-tree-sitter';

/**
 * What a Python module binds with ctypes: the library handles it loads, the foreign functions it
 * reaches through them (directly, through aliases or `getattr`), and the `restype`s it declares.
 * Only handles created in the module itself are tracked: a handle imported from elsewhere may be
 * declared elsewhere, and guessing would cry wolf.
 */
export interface CtypesBindings {
  /** How the module names ctypes: `ctypes`, an alias, or bare imported names. */
  readonly names: CtypesNames;
  /** Library handle expression (`lib`, `self._lib`) → the statement that loads it. */
  readonly handles: ReadonlyMap<string, Node>;
  readonly functions: ReadonlyMap<string, ForeignFunction>;
  /** Some `.restype =` targets a function this model cannot name (a loop, a helper's parameter). */
  readonly hasDynamicRestypes: boolean;
  /** The foreign function an expression denotes (`lib.fn`, an alias of it, `getattr(lib, "fn")`). */
  resolve(expression: Node): ForeignFunction | undefined;
}

export interface ForeignFunction {
  /** `lib.fn`: how code refers to it. */
  readonly key: string;
  readonly handle: string;
  readonly name: string;
  /** Alias name → the statement `alias = lib.fn`. */
  readonly aliases: Map<string, Node>;
  /** Every call of the function, in document order. */
  readonly calls: Node[];
  /** The value of the last `restype` assignment, when there is one. */
  restype?: Node;
}

export class CtypesNames {
  readonly moduleAliases = new Set<string>();
  readonly importedNames = new Map<string, string>(); // local name → ctypes member
  starImport = false;

  /** Does `node` denote `ctypes.<member>` under this module's imports? */
  isMember(node: Node | null, member: string): boolean {
    if (!node) return false;
    if (node.type === 'attribute') {
      const object = node.childForFieldName('object');
      return (
        node.childForFieldName('attribute')?.text === member &&
        object?.type === 'identifier' &&
        this.moduleAliases.has(object.text)
      );
    }
    if (node.type === 'identifier') {
      return this.importedNames.get(node.text) === member || (this.starImport && node.text === member);
    }
    return false;
  }

  /** How new code in this module should spell `ctypes.<member>`. */
  spell(member: string): string {
    for (const [local, imported] of this.importedNames) if (imported === member) return local;
    if (this.starImport && this.moduleAliases.size === 0) return member;
    const [alias] = this.moduleAliases;
    return alias ? `${alias}.${member}` : `ctypes.${member}`;
  }
}

const LIBRARY_CLASSES = ['CDLL', 'PyDLL', 'WinDLL', 'OleDLL'];
const LIBRARY_LOADERS = ['cdll', 'pydll', 'windll', 'oledll'];

function readImports(root: Node): CtypesNames {
  const names = new CtypesNames();
  for (const statement of root.descendantsOfType(['import_statement', 'import_from_statement'])) {
    if (statement.type === 'import_statement') {
      for (const imported of statement.childrenForFieldName('name')) {
        if (imported.type === 'dotted_name' && imported.text === 'ctypes') names.moduleAliases.add('ctypes');
        if (imported.type === 'dotted_name' && imported.text.startsWith('ctypes.')) names.moduleAliases.add('ctypes');
        if (imported.type === 'aliased_import' && imported.childForFieldName('name')?.text === 'ctypes') {
          const alias = imported.childForFieldName('alias')?.text;
          if (alias) names.moduleAliases.add(alias);
        }
      }
    } else if (statement.childForFieldName('module_name')?.text === 'ctypes') {
      if (statement.namedChildren.some((child) => child.type === 'wildcard_import')) names.starImport = true;
      for (const imported of statement.childrenForFieldName('name')) {
        if (imported.type === 'dotted_name') names.importedNames.set(imported.text, imported.text);
        if (imported.type === 'aliased_import') {
          const member = imported.childForFieldName('name')?.text;
          const alias = imported.childForFieldName('alias')?.text;
          if (member && alias) names.importedNames.set(alias, member);
        }
      }
    }
  }
  return names;
}

/** `CDLL(...)`, `cdll.LoadLibrary(...)`, `cdll.libc`, or a conditional choosing between them. */
function loadsLibrary(expression: Node | null, names: CtypesNames): boolean {
  if (!expression) return false;
  if (expression.type === 'conditional_expression') {
    return expression.namedChildren.some((branch, index) => index !== 1 && loadsLibrary(branch, names));
  }
  if (expression.type === 'call') {
    const callee = expression.childForFieldName('function');
    if (LIBRARY_CLASSES.some((name) => names.isMember(callee, name))) return true;
    if (callee?.type === 'attribute' && callee.childForFieldName('attribute')?.text === 'LoadLibrary') {
      const loader = callee.childForFieldName('object');
      return LIBRARY_LOADERS.some((name) => names.isMember(loader, name));
    }
    return false;
  }
  if (expression.type === 'attribute') {
    const loader = expression.childForFieldName('object');
    return LIBRARY_LOADERS.some((name) => names.isMember(loader, name));
  }
  return false;
}

/** A handle is named by an identifier or a dotted attribute chain (`self._lib`). */
function isHandleTarget(node: Node): boolean {
  if (node.type === 'identifier') return true;
  return node.type === 'attribute' && /^[A-Za-z_][\w.]*$/.test(node.text);
}

function stringLiteralValue(node: Node | null): string | undefined {
  if (node?.type !== 'string') return undefined;
  const content = node.namedChildren.filter((child) => child.type === 'string_content');
  if (node.namedChildren.some((child) => child.type === 'interpolation')) return undefined;
  return content.map((child) => child.text).join('');
}

/**
 * A `restype` target that could be one of the tracked functions under a name this model cannot
 * follow: a bare variable (a loop or helper parameter), `getattr(lib, name)`, `lib[name]`.
 */
function mayNameTrackedFunction(target: Node, handles: ReadonlyMap<string, Node>): boolean {
  if (target.type === 'identifier') return true;
  if (target.type === 'subscript') return handles.has(target.childForFieldName('value')?.text ?? '');
  if (target.type === 'call' && target.childForFieldName('function')?.text === 'getattr') {
    const handle = target.childForFieldName('arguments')?.namedChildren[0];
    return handle !== undefined && handles.has(handle.text);
  }
  return false;
}

export function readCtypesBindings(root: Node): CtypesBindings {
  const names = readImports(root);
  const handles = new Map<string, Node>();
  const functions = new Map<string, ForeignFunction>();
  const aliases = new Map<string, ForeignFunction>();
  const assignments = root.descendantsOfType('assignment');

  for (const assignment of assignments) {
    const left = assignment.childForFieldName('left');
    if (left && isHandleTarget(left) && loadsLibrary(assignment.childForFieldName('right'), names)) {
      handles.set(left.text, assignment.parent ?? assignment);
    }
  }
  // `lib = self._lib`: another name for a tracked handle, so its functions are the same functions.
  const handleAliases = new Map<string, string>();
  for (const assignment of assignments) {
    const left = assignment.childForFieldName('left');
    const right = assignment.childForFieldName('right');
    if (!left || !right || !isHandleTarget(left) || !isHandleTarget(right) || handles.has(left.text)) continue;
    const canonical = handles.has(right.text) ? right.text : handleAliases.get(right.text);
    if (canonical) handleAliases.set(left.text, canonical);
  }
  const canonicalHandle = (text: string | undefined): string | undefined =>
    text === undefined ? undefined : handles.has(text) ? text : handleAliases.get(text);

  const functionAt = (handle: string, name: string): ForeignFunction => {
    const key = `${handle}.${name}`;
    let fn = functions.get(key);
    if (!fn) {
      fn = { key, handle, name, aliases: new Map(), calls: [] };
      functions.set(key, fn);
    }
    return fn;
  };

  const resolve = (expression: Node | null): ForeignFunction | undefined => {
    if (!expression) return undefined;
    if (expression.type === 'attribute') {
      const handle = canonicalHandle(expression.childForFieldName('object')?.text);
      const name = expression.childForFieldName('attribute')?.text;
      return handle && name ? functionAt(handle, name) : undefined;
    }
    if (expression.type === 'identifier') return aliases.get(expression.text);
    if (expression.type === 'call' && expression.childForFieldName('function')?.text === 'getattr') {
      const [handle, name] = expression.childForFieldName('arguments')?.namedChildren ?? [];
      const literal = stringLiteralValue(name ?? null);
      const canonical = canonicalHandle(handle?.text);
      return canonical && literal ? functionAt(canonical, literal) : undefined;
    }
    return undefined;
  };

  let hasDynamicRestypes = false;
  for (const assignment of assignments) {
    const left = assignment.childForFieldName('left');
    const right = assignment.childForFieldName('right');
    if (left?.type === 'identifier' && right) {
      const fn = resolve(right);
      if (fn) {
        fn.aliases.set(left.text, assignment.parent ?? assignment);
        aliases.set(left.text, fn);
      }
    }
  }
  for (const assignment of assignments) {
    const left = assignment.childForFieldName('left');
    if (left?.type !== 'attribute' || left.childForFieldName('attribute')?.text !== 'restype') continue;
    const target = left.childForFieldName('object');
    const fn = resolve(target);
    if (fn) fn.restype = assignment.childForFieldName('right') ?? undefined;
    else if (target && mayNameTrackedFunction(target, handles)) hasDynamicRestypes = true;
  }
  for (const call of root.descendantsOfType('call')) {
    const callee = call.childForFieldName('function');
    if (callee?.text === 'setattr' && /['"]restype['"]/.test(call.text)) hasDynamicRestypes = true;
    resolve(callee)?.calls.push(call);
  }

  return { names, handles, functions, hasDynamicRestypes, resolve };
}

/** How a module names ctypes (its imports), without reading its library bindings. */
export function readCtypesNames(root: Node): CtypesNames {
  return readImports(root);
}
