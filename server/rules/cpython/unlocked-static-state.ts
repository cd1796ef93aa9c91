import type { Node } from 'web-tree-sitter';
import { describeStorage, outlivesCalls, type DeclaredVariable } from '../../analysis/c/declarations';
import { isModuleMethod, readExtensionModule } from '../../analysis/c/cpython-module';
import { displayName, readDefinedFunctions } from '../../analysis/c/functions';
import { readFileScope, resolveVariable } from '../../analysis/c/scope';
import { isAtomic, isAtomicOperation, isSynchronizationObject, lockTakenBefore } from '../../analysis/c/synchronization';
import { writesIn } from '../../analysis/c/writes';
import { defineRule } from '../../engine/rule';

/** Static tables the interpreter reads: type objects, method and member tables, module definitions. */
const PYTHON_TABLE_TYPE =
  /^(?:struct\s+)?(?:PyTypeObject|PyModuleDef|PyModuleDef_Slot|PyMethodDef|PyMemberDef|PyGetSetDef|PyType_Spec|PyType_Slot|PyStructSequence_Desc|PyStructSequence_Field|PyNumberMethods|PySequenceMethods|PyMappingMethods|PyAsyncMethods|PyBufferProcs)$/;

/** True for shared mutable state this rule is about: static storage, not atomic, not a lock, not an interpreter table. */
function isSharedMutableState(variable: DeclaredVariable | undefined, asArray: boolean): variable is DeclaredVariable {
  if (!variable || !outlivesCalls(variable.storage) || variable.shape === 'function' || variable.shape === 'reference') return false;
  if (asArray && variable.shape !== 'array') return false;
  if (variable.typeName !== undefined && PYTHON_TABLE_TYPE.test(variable.typeName)) return false;
  return !isConstant(variable) && !isThreadLocal(variable) && !isAtomic(variable) && !isSynchronizationObject(variable);
}

const THREAD_LOCAL = /\b(?:_Thread_local|thread_local|__thread)\b|__declspec\s*\(\s*thread\s*\)/;

/** Thread-local by its text: the C grammar reads `static _Thread_local int n;` as a type named `_Thread_local`. */
function isThreadLocal(variable: DeclaredVariable): boolean {
  return THREAD_LOCAL.test(variable.declaration.text.slice(0, variable.nameNode.startIndex - variable.declaration.startIndex));
}

/** True when the variable itself is `const`: `static const table_t t`, `char *const p` (not `const char *p`). */
function isConstant(variable: DeclaredVariable): boolean {
  if (variable.pointerDepth === 0) {
    return variable.declaration.namedChildren.some((child) => child?.type === 'type_qualifier' && /^(?:const|constexpr)$/.test(child.text));
  }
  let declarator: Node | null = variable.declarator.type === 'init_declarator' ? variable.declarator.childForFieldName('declarator') : variable.declarator;
  while (declarator && declarator.type !== 'pointer_declarator') declarator = declarator.namedChildren.find((child) => child?.type.endsWith('declarator')) ?? null;
  // The qualifiers of the outermost `*` apply to the variable.
  return declarator?.namedChildren.some((child) => child?.type === 'type_qualifier' && child.text === 'const') ?? false;
}

export default defineRule({
  id: 'cpython/unlocked-static-state',
  languages: ['c', 'cpp'],
  severity: 'warning',
  questions: [15],
  description:
    'A CPython extension method writes a global or static variable with no lock held, relying on the GIL (absent in free-threaded CPython) to serialise calls.',
  messages: {
    reliesOnGil:
      '`{{function}}` writes the {{storage}} `{{variable}}` without a lock, relying on the GIL to serialise calls: free-threaded CPython (3.13t+) drops that guarantee, so the module cannot declare Py_MOD_GIL_NOT_USED. Guard it with a lock (PyMutex) or keep it in module state.',
    raceWithoutGil:
      '`{{function}}` writes the {{storage}} `{{variable}}` without a lock, and this module declares Py_MOD_GIL_NOT_USED: concurrent calls race on it in free-threaded CPython. Guard it with a lock (PyMutex) or keep it in module state.',
  },
  fixable: false,
  triggers: ['PyModuleDef', 'PyInit_', 'Py_InitModule'],
  check(context) {
    const module = readExtensionModule(context.root);
    if (!module) return;
    const scope = context.shared(readFileScope);
    for (const fns of context.shared(readDefinedFunctions).values()) {
      for (const fn of fns) {
        if (!isModuleMethod(fn, module)) continue;
        const reported = new Set<number>();
        for (const write of writesIn(fn.body, isAtomicOperation)) {
          const variable = resolveVariable(write.root, scope);
          if (!isSharedMutableState(variable, write.asArray) || reported.has(variable.nameNode.id)) continue;
          if (lockTakenBefore(fn.body, write.node)) continue;
          reported.add(variable.nameNode.id);
          context.report({
            node: write.node,
            messageId: module.declaresGilNotUsed ? 'raceWithoutGil' : 'reliesOnGil',
            data: { function: displayName(fn), storage: describeStorage(variable.storage), variable: write.root.text },
          });
        }
      }
    }
  },
});
