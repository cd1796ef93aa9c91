import type { Node } from 'web-tree-sitter';
import type { CtypesBindings, CtypesNames } from './ctypes-bindings';

/**
 * How a module loads each ctypes library handle: which loader class (`CDLL` releases the GIL
 * around each call, `PyDLL` keeps it), which library, and whether that library is the C runtime
 * (so its `free` is libc's). Complements `ctypes-bindings`, which knows the handles but not how
 * they were made, and covers `ctypes.pythonapi`, a handle the module never assigns.
 */

export type LoaderClass = 'CDLL' | 'PyDLL' | 'WinDLL' | 'OleDLL';
const CLASS_OF_LOADER: Readonly<Record<string, LoaderClass>> = { cdll: 'CDLL', pydll: 'PyDLL', windll: 'WinDLL', oledll: 'OleDLL' };
const LOADER_OF_CLASS: Readonly<Record<LoaderClass, string>> = { CDLL: 'cdll', PyDLL: 'pydll', WinDLL: 'windll', OleDLL: 'oledll' };
const CLASSES = Object.keys(LOADER_OF_CLASS) as LoaderClass[];

/** One way a handle is loaded: `CDLL("libfoo.so")`, `cdll.LoadLibrary(name)`, `cdll.msvcrt`. */
export interface LibraryLoad {
  readonly loaderClass: LoaderClass;
  /** The expression that loads: the call, or the `cdll.name` attribute. */
  readonly expression: Node;
  /** What names the loader: `ctypes.PyDLL` / `PyDLL` (a class), or `ctypes.pydll` in `ctypes.pydll.LoadLibrary` (a loader). */
  readonly loader: Node;
  readonly loaderIsClass: boolean;
  /** The library argument, when the load is a call with one. */
  readonly library?: Node;
  /** The library's name for `cdll.<name>`. */
  readonly attributeName?: string;
}

/** Every load assigned to each handle of the module (a handle may be assigned in several branches). */
export function readLibraryLoads(root: Node, bindings: CtypesBindings): Map<string, LibraryLoad[]> {
  const loads = new Map<string, LibraryLoad[]>();
  for (const assignment of root.descendantsOfType('assignment')) {
    const left = assignment.childForFieldName('left');
    if (!left || !bindings.handles.has(left.text)) continue;
    const found = loadsIn(assignment.childForFieldName('right'), bindings.names);
    if (found.length === 0) continue;
    loads.set(left.text, [...(loads.get(left.text) ?? []), ...found]);
  }
  return loads;
}

function loadsIn(expression: Node | null, names: CtypesNames): LibraryLoad[] {
  if (!expression) return [];
  if (expression.type === 'conditional_expression') {
    return expression.namedChildren.filter((_, index) => index !== 1).flatMap((branch) => loadsIn(branch, names));
  }
  if (expression.type === 'parenthesized_expression') return loadsIn(expression.namedChildren[0] ?? null, names);
  if (expression.type === 'call') {
    const callee = expression.childForFieldName('function');
    const library = expression.childForFieldName('arguments')?.namedChildren.find((arg) => arg.type !== 'keyword_argument');
    const loaderClass = CLASSES.find((name) => names.isMember(callee, name));
    if (callee && loaderClass) return [{ loaderClass, expression, loader: callee, loaderIsClass: true, library }];
    if (callee?.type === 'attribute' && callee.childForFieldName('attribute')?.text === 'LoadLibrary') {
      const loader = callee.childForFieldName('object');
      const loaderClass = loaderClassOf(loader, names);
      if (loader && loaderClass) return [{ loaderClass, expression, loader, loaderIsClass: false, library }];
    }
    return [];
  }
  if (expression.type === 'attribute') {
    const loader = expression.childForFieldName('object');
    const loaderClass = loaderClassOf(loader, names);
    const attributeName = expression.childForFieldName('attribute')?.text;
    if (loader && loaderClass) return [{ loaderClass, expression, loader, loaderIsClass: false, attributeName }];
  }
  return [];
}

function loaderClassOf(loader: Node | null, names: CtypesNames): LoaderClass | undefined {
  for (const [name, loaderClass] of Object.entries(CLASS_OF_LOADER)) if (names.isMember(loader, name)) return loaderClass;
  return undefined;
}

/** The loader class every load of a handle uses, or undefined when they differ or there are none. */
export function soleLoaderClass(loads: readonly LibraryLoad[] | undefined): LoaderClass | undefined {
  const [first] = loads ?? [];
  return first && loads?.every((load) => load.loaderClass === first.loaderClass) ? first.loaderClass : undefined;
}

/** How to spell `ctypes.<member>` in new code here, or undefined when the module has no name for it. */
export function spellIfImported(names: CtypesNames, member: string): string | undefined {
  const spelled = names.spell(member);
  if (names.moduleAliases.size > 0 || names.starImport) return spelled;
  return [...names.importedNames.values()].includes(member) ? spelled : undefined;
}

/** `cdll` for `CDLL`: the loader object that goes with a class. */
export function loaderObjectOf(loaderClass: LoaderClass): string {
  return LOADER_OF_CLASS[loaderClass];
}

/** Names of the C runtime (the library whose `free` releases `malloc`ed memory), by file name. */
const C_RUNTIME = /^(?:c|libc(?:\.so(?:\.\d+)*|\.dylib|\.musl[-\w.]*)?|system|libsystem(?:\.b)?\.dylib|msvcrt\w*(?:\.dll)?|ucrtbased?(?:\.dll)?|api-ms-win-crt-heap-l1-1-0(?:\.dll)?)$/i;

/**
 * True when every load of a handle is the C runtime: `CDLL(None)` (the process's own symbols),
 * `CDLL(find_library("c"))`, `CDLL("libc.so.6")`, `cdll.msvcrt`, also through a module variable
 * holding such a name.
 */
export function loadsCRuntime(loads: readonly LibraryLoad[] | undefined, root: Node): boolean {
  if (!loads || loads.length === 0) return false;
  return loads.every((load) => {
    if (load.attributeName !== undefined) return C_RUNTIME.test(load.attributeName);
    return load.library !== undefined && namesCRuntime(load.library, root, 0);
  });
}

function namesCRuntime(expression: Node, root: Node, depth: number): boolean {
  switch (expression.type) {
    case 'none':
      return true;
    case 'string': {
      const value = stringValue(expression);
      return value !== undefined && C_RUNTIME.test(value.split(/[\\/]/).pop() ?? '');
    }
    case 'parenthesized_expression':
      return expression.namedChildren.length === 1 && namesCRuntime(expression.namedChildren[0], root, depth);
    case 'boolean_operator':
    case 'conditional_expression': {
      const operands = expression.type === 'boolean_operator'
        ? [expression.childForFieldName('left'), expression.childForFieldName('right')]
        : expression.namedChildren.filter((_, index) => index !== 1);
      return operands.every((operand) => operand !== null && namesCRuntime(operand, root, depth));
    }
    case 'call': {
      const callee = expression.childForFieldName('function');
      const name = callee?.type === 'attribute' ? callee.childForFieldName('attribute')?.text : callee?.text;
      const [argument] = expression.childForFieldName('arguments')?.namedChildren ?? [];
      return name === 'find_library' && argument !== undefined && namesCRuntime(argument, root, depth);
    }
    case 'identifier': {
      if (depth > 2) return false;
      const values = root
        .descendantsOfType('assignment')
        .filter((assignment) => assignment.childForFieldName('left')?.text === expression.text)
        .map((assignment) => assignment.childForFieldName('right'));
      return values.length > 0 && values.every((value) => value !== null && namesCRuntime(value, root, depth + 1));
    }
    default:
      return false;
  }
}

function stringValue(node: Node): string | undefined {
  if (node.namedChildren.some((child) => child.type === 'interpolation')) return undefined;
  return node.namedChildren
    .filter((child) => child.type === 'string_content')
    .map((child) => child.text)
    .join('');
}

/** A foreign function reached through `ctypes.pythonapi` (a `PyDLL` of the interpreter itself). */
export interface PythonApiFunction {
  readonly name: string;
  /** `ctypes.pythonapi.usleep`, as written at its first reference. */
  readonly key: string;
  /** Every reference (`pythonapi.fn` attributes and calls through aliases), in document order. */
  readonly references: Node[];
  readonly calls: Node[];
}

/**
 * Functions the module reaches through `ctypes.pythonapi`, directly, through a name for the
 * handle (`api = ctypes.pythonapi`) or through an alias (`sleep = ctypes.pythonapi.usleep`).
 */
export function readPythonApiFunctions(root: Node, names: CtypesNames): Map<string, PythonApiFunction> {
  const handleNames = new Set<string>();
  const assignments = root.descendantsOfType('assignment');
  for (const assignment of assignments) {
    const left = assignment.childForFieldName('left');
    if (left?.type === 'identifier' && names.isMember(assignment.childForFieldName('right'), 'pythonapi')) handleNames.add(left.text);
  }
  const isHandle = (node: Node | null) => node !== null && (names.isMember(node, 'pythonapi') || (node.type === 'identifier' && handleNames.has(node.text)));
  const functions = new Map<string, PythonApiFunction>();
  const aliases = new Map<string, PythonApiFunction>();
  const functionAt = (reference: Node, name: string): PythonApiFunction => {
    let fn = functions.get(name);
    if (!fn) {
      fn = { name, key: reference.text, references: [], calls: [] };
      functions.set(name, fn);
    }
    return fn;
  };
  for (const attribute of root.descendantsOfType('attribute')) {
    const name = attribute.childForFieldName('attribute')?.text;
    if (!name || !isHandle(attribute.childForFieldName('object'))) continue;
    const fn = functionAt(attribute, name);
    fn.references.push(attribute);
    const parent = attribute.parent;
    if (parent?.type === 'call' && parent.childForFieldName('function')?.id === attribute.id) fn.calls.push(parent);
    if (parent?.type === 'assignment' && parent.childForFieldName('right')?.id === attribute.id) {
      const left = parent.childForFieldName('left');
      if (left?.type === 'identifier') aliases.set(left.text, fn);
    }
  }
  if (aliases.size > 0) {
    for (const call of root.descendantsOfType('call')) {
      const callee = call.childForFieldName('function');
      const fn = callee?.type === 'identifier' ? aliases.get(callee.text) : undefined;
      if (fn) {
        fn.calls.push(call);
        fn.references.push(callee!);
      }
    }
    for (const fn of functions.values()) {
      fn.calls.sort((a, b) => a.startIndex - b.startIndex);
      fn.references.sort((a, b) => a.startIndex - b.startIndex);
    }
  }
  return functions;
}
