import type { Node } from 'web-tree-sitter';
import { calleeName } from './calls';
import { stripCasts } from './expressions';
import { functionDeclaratorOf, type DefinedFunction } from './functions';

/** What a C/C++ file says about the CPython extension module it defines. */
export interface ExtensionModule {
  /** Names of the functions listed in the file's `PyMethodDef` tables (module and type methods). */
  methodTableEntries: ReadonlySet<string>;
  /** Names of the functions run once at import: `PyInit_*` and `Py_mod_exec` slots. */
  initFunctions: ReadonlySet<string>;
  /**
   * True when the module declares it runs without the GIL: `{Py_mod_gil, Py_MOD_GIL_NOT_USED}`
   * in its slots or `PyUnstable_Module_SetGIL(m, Py_MOD_GIL_NOT_USED)`.
   */
  declaresGilNotUsed: boolean;
}

const MODULE_DEFINITION_TYPES = new Set(['PyModuleDef', 'struct PyModuleDef']);
const METHOD_TABLE_TYPES = new Set(['PyMethodDef', 'struct PyMethodDef']);

function typeText(declaration: Node): string {
  return declaration.childForFieldName('type')?.text.replace(/\s+/g, ' ') ?? '';
}

function elementsOf(list: Node): Node[] {
  return list.namedChildren.filter((child): child is Node => child !== null && child.type !== 'comment');
}

/** The name of the function a table entry points at: `(PyCFunction)(void (*)(void))run` → `run`. */
function functionNamed(value: Node | undefined): string | undefined {
  if (!value) return undefined;
  let node = stripCasts(value);
  if (node.type === 'pointer_expression' && node.childForFieldName('operator')?.text === '&') {
    const inner = node.childForFieldName('argument');
    if (inner) node = stripCasts(inner);
  }
  if (node.type === 'qualified_identifier') node = node.childForFieldName('name') ?? node;
  return node.type === 'identifier' ? node.text : undefined;
}

/** The value of a `.field = value` designated initializer in an initializer list. */
function designated(entry: Node, field: string): Node | undefined {
  for (const pair of elementsOf(entry)) {
    if (pair.type !== 'initializer_pair') continue;
    const designator = pair.childForFieldName('designator');
    if (designator?.text.replace(/^\./, '') === field) return pair.childForFieldName('value') ?? undefined;
  }
  return undefined;
}

/** The function of one `PyMethodDef` entry: `{"name", (PyCFunction)fn, METH_VARARGS, doc}`. */
function methodOf(entry: Node): string | undefined {
  if (entry.type !== 'initializer_list') return undefined;
  return functionNamed(designated(entry, 'ml_meth') ?? elementsOf(entry)[1]);
}

/** The `{slot, value}` pairs of a `PyModuleDef_Slot` table entry. */
function slotOf(entry: Node): [string, Node] | undefined {
  if (entry.type !== 'initializer_list') return undefined;
  const slot = designated(entry, 'slot') ?? elementsOf(entry)[0];
  const value = designated(entry, 'value') ?? elementsOf(entry)[1];
  return slot && value ? [slot.text, value] : undefined;
}

/**
 * The extension module this file defines, or undefined when it defines none: a file counts when
 * it declares a `PyModuleDef`, defines a `PyInit_*` function or calls `Py_InitModule*`.
 */
export function readExtensionModule(root: Node): ExtensionModule | undefined {
  let isModule = false;
  const methodTableEntries = new Set<string>();
  const initFunctions = new Set<string>();
  let declaresGilNotUsed = false;

  for (const declaration of root.descendantsOfType('declaration')) {
    if (!declaration) continue;
    const type = typeText(declaration);
    if (MODULE_DEFINITION_TYPES.has(type)) isModule = true;
    if (!METHOD_TABLE_TYPES.has(type)) continue;
    for (const list of declaration.descendantsOfType('initializer_list')) {
      if (list?.parent?.type !== 'init_declarator') continue;
      for (const entry of elementsOf(list)) {
        const name = methodOf(entry);
        if (name) methodTableEntries.add(name);
      }
    }
  }
  for (const list of root.descendantsOfType('initializer_list')) {
    const slot = list ? slotOf(list) : undefined;
    if (!slot) continue;
    const [name, value] = slot;
    if (name === 'Py_mod_exec') {
      const fn = functionNamed(value);
      if (fn) initFunctions.add(fn);
    } else if (name === 'Py_mod_gil' && value.text === 'Py_MOD_GIL_NOT_USED') {
      declaresGilNotUsed = true;
    }
  }
  for (const call of root.descendantsOfType('call_expression')) {
    const name = call ? calleeName(call) : undefined;
    if (!call || !name) continue;
    if (/^Py_InitModule/.test(name)) isModule = true;
    if (name === 'PyUnstable_Module_SetGIL' && call.childForFieldName('arguments')?.text.includes('Py_MOD_GIL_NOT_USED')) {
      declaresGilNotUsed = true;
    }
  }
  for (const definition of root.descendantsOfType('function_definition')) {
    const name = definition ? functionDeclaratorOf(definition)?.childForFieldName('declarator') : undefined;
    if (name?.type === 'identifier' && /^PyInit_\w+$/.test(name.text)) {
      isModule = true;
      initFunctions.add(name.text);
    }
  }
  return isModule ? { methodTableEntries, initFunctions, declaresGilNotUsed } : undefined;
}

const SELF_NAMES = /^(?:self|module|mod|m|me|unused|dummy|ignored|Py_UNUSED)$/i;
const ARGS_NAMES = /^(?:args?|argv|arguments|kw(?:arg)?s|kwds)$/i;

/**
 * True for a function shaped like a method Python calls: `(PyObject *self, PyObject *args)`,
 * `(PyObject *module, PyObject *const *args, Py_ssize_t nargs)`, `(FooObject *self, PyObject *args, PyObject *kwds)`.
 */
export function hasMethodSignature(fn: DefinedFunction): boolean {
  const [self, args] = fn.parameters;
  if (!self || !args || self.pointerDepth !== 1) return false;
  if (self.typeName !== 'PyObject' && !SELF_NAMES.test(self.name)) return false;
  return args.typeName === 'PyObject' && args.pointerDepth >= 1 && ARGS_NAMES.test(args.name);
}

/** True when Python can call `fn` as a method of this module or of one of its types. */
export function isModuleMethod(fn: DefinedFunction, module: ExtensionModule): boolean {
  if (fn.owner !== undefined || module.initFunctions.has(fn.name)) return false;
  return module.methodTableEntries.has(fn.name) || hasMethodSignature(fn);
}
