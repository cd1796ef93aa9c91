import type { Node } from 'web-tree-sitter';

/**
 * What a Python module binds with ctypes: the library handles it loads, the foreign functions it
 * reaches through them (directly, through aliases or `getattr`), and the `restype`s and
 * `argtypes` it declares. Only handles created in the module itself are tracked (plus the ones
 * ctypes itself provides, such as `ctypes.pythonapi` and `ctypes.cdll.<name>`): a handle imported
 * from elsewhere may be declared elsewhere, and guessing would cry wolf.
 */
export interface CtypesBindings {
  /** How the module names ctypes: `ctypes`, an alias, or bare imported names. */
  readonly names: CtypesNames;
  /** Library handle expression as the loading statement writes it (`lib`, `self._lib`) → that statement. */
  readonly handles: ReadonlyMap<string, Node>;
  /** Every foreign function reached, by its `key` (by `<handleId>.<name>` when two handles share a spelling). */
  readonly functions: ReadonlyMap<string, ForeignFunction>;
  /** Some `.restype =` targets a function this model cannot name (a loop, a helper's parameter). */
  readonly hasDynamicRestypes: boolean;
  /** Some `.argtypes =` targets a function this model cannot name (a loop, a helper's parameter). */
  readonly hasDynamicArgtypes: boolean;
  /** The foreign function an expression denotes (`lib.fn`, an alias of it, `getattr(lib, "fn")`). */
  resolve(expression: Node): ForeignFunction | undefined;
  /** The identity of the library handle an expression denotes (see `ForeignFunction.handleId`). */
  handleOf(expression: Node): string | undefined;
  /**
   * True when `fn`'s `restype` or `argtypes` may be set where this model cannot see: the function
   * or its handle is passed to other code (a helper may declare it), the handle is searched with
   * computed names, or an object this model cannot identify declares a function of the same name.
   */
  mayBeDeclaredElsewhere(fn: ForeignFunction, attribute: 'restype' | 'argtypes'): boolean;
}

export interface ForeignFunction {
  /** `lib.fn`: how code next to the handle's loading statement refers to it. */
  readonly key: string;
  /** The handle as its loading statement writes it (`lib`, `self._lib`): a key of `handles`. */
  readonly handle: string;
  /**
   * Which handle this is: `Db._lib` for `self._lib`, `cls._lib` and `Db._lib` in class `Db` and
   * its subclasses, the expression text (`lib`, `ctypes.pythonapi`) otherwise.
   */
  readonly handleId: string;
  /** The statement that loads the handle; none for a handle the module never assigns (`ctypes.pythonapi`). */
  readonly loadStatement?: Node;
  readonly name: string;
  /** Alias name → the statement `alias = lib.fn`. */
  readonly aliases: Map<string, Node>;
  /** Every call of the function, in document order. */
  readonly calls: Node[];
  /** The value of the last `restype` assignment, when there is one. */
  restype?: Node;
  /** The value of the last `argtypes` assignment, when there is one. */
  argtypes?: Node;
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

  /** The ctypes member `node` denotes (`ctypes.cast`, an imported `byref`), if it is one by its spelling. */
  memberName(node: Node | null): string | undefined {
    if (node?.type === 'attribute') {
      const object = node.childForFieldName('object');
      if (object?.type === 'identifier' && this.moduleAliases.has(object.text)) return node.childForFieldName('attribute')?.text;
    }
    if (node?.type === 'identifier') return this.importedNames.get(node.text);
    return undefined;
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
/** Attributes of a library handle that are not foreign functions. */
const HANDLE_ATTRIBUTES = new Set(['_name', '_handle', '_FuncPtr', '_func_flags_', '_func_restype_']);
/** Builtins that look at a handle or function without declaring anything on it. */
const INSPECTING_CALLS = new Set(['print', 'repr', 'str', 'id', 'type', 'bool', 'len', 'hasattr', 'isinstance', 'callable', 'format']);

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

function unparenthesized(node: Node | null): Node | null {
  let current = node;
  while (current?.type === 'parenthesized_expression' && current.namedChildCount === 1) current = current.namedChild(0);
  return current;
}

/**
 * The (target, value) pairs an assignment makes: `a = b`, `a = b = c` (both get `c`), and
 * `a, b = x, y` when both sides have the same length. The value is undefined when unknown.
 */
function assignedPairs(assignment: Node): { target: Node; value: Node | undefined; statement: Node }[] {
  const statement = assignment.parent?.type === 'expression_statement' ? assignment.parent : assignment;
  // Only the outermost assignment of a chain speaks: `a = b = c` is read once, from `a`.
  if (assignment.parent?.type === 'assignment') return [];
  const targets: Node[] = [];
  let value: Node | null = assignment;
  while (value?.type === 'assignment' || value?.type === 'augmented_assignment') {
    const left = value.childForFieldName('left');
    if (left) targets.push(left);
    value = value.type === 'assignment' ? value.childForFieldName('right') : null;
  }
  const pairs: { target: Node; value: Node | undefined; statement: Node }[] = [];
  for (const target of targets) {
    if (target.type === 'pattern_list' || target.type === 'tuple_pattern' || target.type === 'list_pattern') {
      const values = value && ['expression_list', 'tuple', 'list'].includes(value.type) ? value.namedChildren : [];
      target.namedChildren.forEach((part, index) => {
        pairs.push({ target: part, value: values.length === target.namedChildCount ? values[index] : undefined, statement });
      });
    } else {
      pairs.push({ target, value: value ?? undefined, statement });
    }
  }
  return pairs;
}

/** The name of the class a `def` is a method of (decorators allowed), unless it is a staticmethod. */
function methodOwner(fn: Node): Node | undefined {
  const wrapper = fn.parent?.type === 'decorated_definition' ? fn.parent : fn;
  if (wrapper !== fn && wrapper.namedChildren.some((child) => child.type === 'decorator' && /^@\s*staticmethod\b/.test(child.text))) {
    return undefined;
  }
  const owner = wrapper.parent?.type === 'block' ? wrapper.parent.parent : null;
  return owner?.type === 'class_definition' ? owner : undefined;
}

/** The names a `def` or `lambda` takes as parameters. */
function parameterNames(fn: Node): string[] {
  const names: string[] = [];
  for (const parameter of fn.childForFieldName('parameters')?.namedChildren ?? []) {
    const name = parameter.type === 'identifier' ? parameter : (parameter.childForFieldName('name') ?? parameter.namedChild(0));
    if (name?.type === 'identifier') names.push(name.text);
  }
  return names;
}

/** The class `receiver` (`self`, `cls`) is the first parameter of a method of. */
function classOfReceiver(receiver: Node): Node | undefined {
  for (let current = receiver.parent; current; current = current.parent) {
    if (current.type === 'class_definition') return undefined;
    if (current.type === 'lambda') {
      if (parameterNames(current).includes(receiver.text)) return undefined;
      continue;
    }
    if (current.type !== 'function_definition') continue;
    const parameters = parameterNames(current);
    if (!parameters.includes(receiver.text)) continue;
    return parameters[0] === receiver.text ? methodOwner(current) : undefined;
  }
  return undefined;
}

/** The class whose body (not a method of it) `node` is directly in. */
function classBodyOf(node: Node): Node | undefined {
  for (let current = node.parent; current; current = current.parent) {
    if (current.type === 'function_definition' || current.type === 'lambda') return undefined;
    if (current.type === 'class_definition') {
      const body = current.childForFieldName('body');
      return body && node.startIndex >= body.startIndex ? current : undefined;
    }
  }
  return undefined;
}

/** True when `name` is a parameter of a function or lambda it is used in: not the module's handle. */
function isParameter(name: Node): boolean {
  for (let current = name.parent; current; current = current.parent) {
    if ((current.type === 'function_definition' || current.type === 'lambda') && parameterNames(current).includes(name.text)) return true;
  }
  return false;
}

const className = (definition: Node): string => definition.childForFieldName('name')?.text ?? '?';

/**
 * Which handle-like thing an expression names: `Db._lib` for `self._lib` in a method of `Db`, for
 * `cls._lib`, for `_lib` in the body of `Db`, and for `Db._lib` itself; the text otherwise.
 */
function targetId(node: Node): string | undefined {
  if (!isHandleTarget(node)) return undefined;
  if (node.type === 'identifier') {
    const owner = classBodyOf(node);
    return owner ? `${className(owner)}.${node.text}` : node.text;
  }
  const object = node.childForFieldName('object');
  const attribute = node.childForFieldName('attribute')?.text;
  if (object?.type === 'identifier' && attribute) {
    const owner = classOfReceiver(object);
    if (owner) return `${className(owner)}.${attribute}`;
  }
  return node.text;
}

interface Handle {
  id: string;
  spelling: string;
  statement?: Node;
}

/**
 * Words without which a module cannot load a library through ctypes (the model is then empty):
 * rules built on the model use them as their triggers, so such files are not even parsed.
 */
export const LIBRARY_LOADING_WORDS: readonly string[] = [
  'CDLL', 'PyDLL', 'WinDLL', 'OleDLL', 'LoadLibrary', 'cdll', 'pydll', 'windll', 'oledll', 'pythonapi',
];

function noBindings(names: CtypesNames): CtypesBindings {
  return {
    names,
    handles: new Map(),
    functions: new Map(),
    hasDynamicRestypes: false,
    hasDynamicArgtypes: false,
    resolve: () => undefined,
    handleOf: () => undefined,
    mayBeDeclaredElsewhere: () => false,
  };
}

export function readCtypesBindings(root: Node): CtypesBindings {
  const names = readImports(root);
  // Most modules that mention ctypes load no library themselves (types, structures, helpers):
  // skip the walks over every assignment and call.
  const text = root.text;
  if (!LIBRARY_LOADING_WORDS.some((word) => text.includes(word))) return noBindings(names);
  const handles = new Map<string, Node>();
  const handlesById = new Map<string, Handle>();
  const handleAliases = new Map<string, string>();
  const loaderIds = new Set<string>();
  const functions = new Map<string, ForeignFunction>();
  const functionsById = new Map<string, ForeignFunction>();
  const pairs = root.descendantsOfType(['assignment', 'augmented_assignment']).flatMap(assignedPairs);

  const classBases = new Map<string, string[]>();
  for (const definition of root.descendantsOfType('class_definition')) {
    const bases = definition.childForFieldName('superclasses')?.namedChildren ?? [];
    classBases.set(className(definition), bases.filter((base) => base.type === 'identifier').map((base) => base.text));
  }

  /** The tracked handle id `id` refers to: itself, through an alias, or inherited from a base class. */
  const lookupHandle = (id: string | undefined, seen = new Set<string>()): string | undefined => {
    if (id === undefined || seen.has(id)) return undefined;
    seen.add(id);
    if (handlesById.has(id)) return id;
    const aliased = handleAliases.get(id);
    if (aliased) return aliased;
    const [owner, attribute, ...rest] = id.split('.');
    if (attribute === undefined || rest.length > 0) return undefined;
    for (const base of classBases.get(owner) ?? []) {
      const inherited = lookupHandle(`${base}.${attribute}`, seen);
      if (inherited) return inherited;
    }
    return undefined;
  };

  /** `cdll`, `ctypes.windll`, a `LibraryLoader(CDLL)` or a variable holding one. */
  const isLoader = (expression: Node | null): boolean => {
    const node = unparenthesized(expression);
    if (!node) return false;
    if (LIBRARY_LOADERS.some((name) => names.isMember(node, name))) return true;
    if (node.type === 'call') return names.isMember(node.childForFieldName('function'), 'LibraryLoader');
    const id = targetId(node);
    return id !== undefined && loaderIds.has(id);
  };

  /** `CDLL(...)`, `cdll.LoadLibrary(...)`, `cdll.libc`, `ctypes.pythonapi`, or a conditional choosing between them. */
  const loadsLibrary = (expression: Node | null | undefined): boolean => {
    const node = unparenthesized(expression ?? null);
    if (!node) return false;
    if (node.type === 'conditional_expression') {
      return node.namedChildren.some((branch, index) => index !== 1 && loadsLibrary(branch));
    }
    if (node.type === 'call') {
      const callee = node.childForFieldName('function');
      if (LIBRARY_CLASSES.some((name) => names.isMember(callee, name))) return true;
      return callee?.type === 'attribute' && callee.childForFieldName('attribute')?.text === 'LoadLibrary' && isLoader(callee.childForFieldName('object'));
    }
    if (names.isMember(node, 'pythonapi')) return true;
    if (node.type === 'attribute') {
      const attribute = node.childForFieldName('attribute')?.text ?? '';
      return attribute !== 'LoadLibrary' && !attribute.startsWith('_') && isLoader(node.childForFieldName('object'));
    }
    return false;
  };

  for (const { target, value } of pairs) {
    if (!isHandleTarget(target) || unparenthesized(value ?? null)?.type !== 'call') continue;
    if (names.isMember(unparenthesized(value ?? null)?.childForFieldName('function') ?? null, 'LibraryLoader')) {
      const id = targetId(target);
      if (id) loaderIds.add(id);
    }
  }
  for (const { target, value, statement } of pairs) {
    if (!isHandleTarget(target) || !loadsLibrary(value)) continue;
    const id = targetId(target);
    if (!id) continue;
    handles.set(target.text, statement);
    handlesById.set(id, { id, spelling: target.text, statement });
  }
  // `lib = self._lib`: another name for a tracked handle, so its functions are the same functions.
  for (let pass = 0; pass < 2; pass++) {
    for (const { target, value } of pairs) {
      if (!value || !isHandleTarget(target) || !isHandleTarget(value)) continue;
      const id = targetId(target);
      if (!id || handlesById.has(id) || handleAliases.has(id)) continue;
      const canonical = lookupHandle(targetId(value));
      if (canonical) handleAliases.set(id, canonical);
    }
  }

  /** The handle id an expression denotes: a tracked handle, or one ctypes provides (`ctypes.cdll.msvcrt`). */
  const handleOf = (expression: Node | null | undefined): string | undefined => {
    const node = unparenthesized(expression ?? null);
    if (!node) return undefined;
    if (node.type === 'identifier' && isParameter(node)) return undefined;
    // In a class body a bare name is the class attribute if the class binds it, else the global.
    const tracked = lookupHandle(targetId(node)) ?? (node.type === 'identifier' ? lookupHandle(node.text) : undefined);
    if (tracked) return tracked;
    if (node.type !== 'call' && loadsLibrary(node)) {
      if (!handlesById.has(node.text)) handlesById.set(node.text, { id: node.text, spelling: node.text });
      return node.text;
    }
    return undefined;
  };

  const functionAt = (handleId: string, name: string): ForeignFunction => {
    const id = `${handleId}.${name}`;
    let fn = functionsById.get(id);
    if (!fn) {
      const handle = handlesById.get(handleId) ?? { id: handleId, spelling: handleId };
      fn = {
        key: `${handle.spelling}.${name}`,
        handle: handle.spelling,
        handleId,
        ...(handle.statement ? { loadStatement: handle.statement } : {}),
        name,
        aliases: new Map(),
        calls: [],
      };
      functionsById.set(id, fn);
      functions.set(functions.has(fn.key) ? id : fn.key, fn);
    }
    return fn;
  };

  /** `lib.fn`, `getattr(lib, "fn")`, `lib["fn"]`: a function of a handle, named literally. */
  const resolveAccess = (expression: Node | null): ForeignFunction | undefined => {
    const node = unparenthesized(expression);
    if (node?.type === 'attribute') {
      const name = node.childForFieldName('attribute')?.text;
      const handle = handleOf(node.childForFieldName('object'));
      if (!handle || !name || HANDLE_ATTRIBUTES.has(name) || /^__.*__$/.test(name)) return undefined;
      return functionAt(handle, name);
    }
    if (node?.type === 'call' && node.childForFieldName('function')?.text === 'getattr') {
      const [handle, name] = node.childForFieldName('arguments')?.namedChildren ?? [];
      const literal = stringLiteralValue(name ?? null);
      const id = handleOf(handle);
      return id && literal ? functionAt(id, literal) : undefined;
    }
    if (node?.type === 'subscript') {
      const id = handleOf(node.childForFieldName('value'));
      const literal = stringLiteralValue(node.childForFieldName('subscript'));
      return id && literal ? functionAt(id, literal) : undefined;
    }
    return undefined;
  };

  // `fn = lib.fn`: an alias. A name also bound to something else somewhere is ambiguous: calls
  // through it are not followed, but declarations through it still count.
  const aliasCandidates = new Map<string, Set<ForeignFunction>>();
  const aliasStatements = new Map<string, Node[]>();
  const otherwiseBound = new Set<string>();
  const addCandidate = (name: string, fn: ForeignFunction, statement: Node) => {
    aliasCandidates.set(name, (aliasCandidates.get(name) ?? new Set()).add(fn));
    aliasStatements.set(name, [...(aliasStatements.get(name) ?? []), statement]);
  };
  const identifierPairs = pairs.filter(({ target }) => target.type === 'identifier');
  for (const { target, value, statement } of identifierPairs) {
    const fn = value ? resolveAccess(value) : undefined;
    if (fn) addCandidate(target.text, fn, statement);
  }
  const singleAlias = (name: string): ForeignFunction | undefined => {
    const candidates = aliasCandidates.get(name);
    return candidates?.size === 1 ? [...candidates][0] : undefined;
  };
  for (const { target, value, statement } of identifierPairs) {
    const source = unparenthesized(value ?? null);
    if (source?.type === 'identifier' && source.text !== target.text) {
      const fn = singleAlias(source.text);
      if (fn) {
        addCandidate(target.text, fn, statement);
        continue;
      }
    }
    if (!(value && resolveAccess(value))) otherwiseBound.add(target.text);
  }
  for (const node of root.descendantsOfType(['for_statement', 'function_definition', 'class_definition', 'parameters', 'lambda_parameters'])) {
    const bound =
      node.type === 'for_statement'
        ? [node.childForFieldName('left')]
        : node.type === 'function_definition' || node.type === 'class_definition'
          ? [node.childForFieldName('name')]
          : node.namedChildren.map((parameter) => (parameter.type === 'identifier' ? parameter : (parameter.childForFieldName('name') ?? parameter.namedChild(0))));
    for (const name of bound) {
      if (name?.type === 'identifier') otherwiseBound.add(name.text);
      else for (const part of name?.descendantsOfType('identifier') ?? []) otherwiseBound.add(part.text);
    }
  }
  for (const [name, statements] of aliasStatements) {
    const fn = singleAlias(name);
    if (fn) for (const statement of statements) fn.aliases.set(name, statement);
  }

  /** The function a declaration target names, aliases included even when ambiguous. */
  const resolveDeclared = (expression: Node | null): ForeignFunction | undefined => {
    const node = unparenthesized(expression);
    if (node?.type === 'identifier') return singleAlias(node.text);
    return resolveAccess(node);
  };
  const resolve = (expression: Node | null): ForeignFunction | undefined => {
    const node = unparenthesized(expression);
    if (node?.type === 'identifier') return otherwiseBound.has(node.text) ? undefined : singleAlias(node.text);
    // `lib["fn"]` makes a fresh function object each time: what is declared on `lib.fn` does not reach it.
    if (node?.type === 'subscript') return undefined;
    return resolveAccess(node);
  };

  /**
   * A declaration target that could be one of the tracked functions under a name this model cannot
   * follow: a bare variable (a loop or helper parameter), `getattr(lib, name)`, `lib[name]`.
   */
  const mayNameTrackedFunction = (target: Node): boolean => {
    if (target.type === 'identifier') return true;
    if (target.type === 'subscript') return handleOf(target.childForFieldName('value')) !== undefined;
    if (target.type === 'call' && target.childForFieldName('function')?.text === 'getattr') {
      return handleOf(target.childForFieldName('arguments')?.namedChildren[0]) !== undefined;
    }
    return false;
  };

  const dynamic = { restype: false, argtypes: false };
  const declaredByName = { restype: new Set<string>(), argtypes: new Set<string>() };
  for (const { target, value } of pairs) {
    const attribute = target.type === 'attribute' ? target.childForFieldName('attribute')?.text : undefined;
    if (attribute !== 'restype' && attribute !== 'argtypes') continue;
    const declared = unparenthesized(target.childForFieldName('object'));
    if (!declared) continue;
    const fn = resolveDeclared(declared);
    if (fn) {
      if (value) fn[attribute] = value;
      else declaredByName[attribute].add(fn.name);
    } else if (mayNameTrackedFunction(declared)) {
      dynamic[attribute] = true;
    } else if (declared.type === 'attribute') {
      declaredByName[attribute].add(declared.childForFieldName('attribute')?.text ?? '');
    } else if (declared.type === 'subscript') {
      declaredByName[attribute].add(stringLiteralValue(declared.childForFieldName('subscript')) ?? '');
    }
  }

  const escapedHandles = new Set<string>();
  const escapedFunctions = new Set<ForeignFunction>();
  for (const call of root.descendantsOfType('call')) {
    const callee = call.childForFieldName('function');
    if (callee?.text === 'setattr') {
      if (/['"]restype['"]/.test(call.text)) dynamic.restype = true;
      if (/['"]argtypes['"]/.test(call.text)) dynamic.argtypes = true;
    }
    const fn = resolve(callee);
    if (fn) {
      fn.calls.push(call);
      continue;
    }
    const args = call.childForFieldName('arguments');
    if (callee?.text === 'getattr') {
      const [handle, name] = args?.namedChildren ?? [];
      const id = handleOf(handle);
      if (id && stringLiteralValue(name ?? null) === undefined) escapedHandles.add(id);
      continue;
    }
    if (!callee || INSPECTING_CALLS.has(callee.text) || names.memberName(callee) !== undefined || args?.type !== 'argument_list') continue;
    // `c_int.in_dll(lib, "name")` reads a variable of the library; it declares nothing.
    if (callee.type === 'attribute' && callee.childForFieldName('attribute')?.text === 'in_dll') continue;
    // A handle or function handed to other code: that code may declare it.
    for (const argument of args.namedChildren) {
      const passed = argument.type === 'keyword_argument' ? argument.childForFieldName('value') : argument;
      const handle = handleOf(passed);
      if (handle) escapedHandles.add(handle);
      const passedFn = handle ? undefined : resolveDeclared(passed);
      if (passedFn) escapedFunctions.add(passedFn);
    }
  }

  return {
    names,
    handles,
    functions,
    hasDynamicRestypes: dynamic.restype,
    hasDynamicArgtypes: dynamic.argtypes,
    resolve,
    handleOf: (expression) => handleOf(expression),
    mayBeDeclaredElsewhere: (fn, attribute) =>
      escapedHandles.has(fn.handleId) || escapedFunctions.has(fn) || declaredByName[attribute].has(fn.name),
  };
}

/** How a module names ctypes (its imports), without reading its library bindings. */
export function readCtypesNames(root: Node): CtypesNames {
  return readImports(root);
}
