import type { Node } from 'web-tree-sitter';
import { calleeName } from './calls';
import type { DeclaredVariable } from './declarations';
import { walkBody } from './functions';

/** `pthread_mutex_lock`, `PyMutex_Lock`, `EnterCriticalSection` → snake-case words. */
function snakeWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .toLowerCase()
    .split(/[_:\s<>,]+/)
    .filter(Boolean);
}

const LOCK_WORDS = new Set(['lock', 'wrlock', 'rdlock', 'trylock', 'timedlock']);
const NOT_TAKING_WORDS = new Set(['unlock', 'release', 'leave', 'exit', 'destroy', 'init', 'free', 'new', 'allocate', 'alloc', 'is', 'locked']);

/**
 * True for a call that takes a lock: `pthread_mutex_lock`, `PyMutex_Lock`, `PyThread_acquire_lock`,
 * `EnterCriticalSection`, `AcquireSRWLockExclusive`, `Py_BEGIN_CRITICAL_SECTION`, `mu.lock()`, `G_LOCK`.
 */
export function takesLock(call: Node): boolean {
  const name = calleeName(call);
  if (!name) return false;
  const words = snakeWords(name);
  if (words.some((word) => NOT_TAKING_WORDS.has(word))) return false;
  return words.some((word) => LOCK_WORDS.has(word)) || (words.includes('critical') && words.includes('section'));
}

/** True for a C++ declaration of a scoped lock: `std::lock_guard<std::mutex> g(mu);`, `std::scoped_lock`, a `MutexLocker`. */
export function declaresScopedLock(declaration: Node): boolean {
  const type = declaration.childForFieldName('type');
  if (!type) return false;
  const words = snakeWords(type.text);
  return words.includes('guard') || words.includes('locker') || (words.includes('lock') && !words.includes('unlock'));
}

/**
 * True when some lock is taken in `body` before `node`, by a call or a scoped-lock declaration.
 * An over-approximation on purpose: a lock taken anywhere earlier counts as held.
 */
export function lockTakenBefore(body: Node, node: Node): boolean {
  for (const candidate of walkBody(body)) {
    if (candidate.startIndex >= node.startIndex) return false;
    if (candidate.type === 'call_expression' && takesLock(candidate)) return true;
    if (candidate.type === 'declaration' && declaresScopedLock(candidate)) return true;
    // `Py_BEGIN_CRITICAL_SECTION(obj)` without a semicolon can parse as something other than a call.
    if (candidate.type === 'identifier' && /^Py_BEGIN_CRITICAL_SECTION/.test(candidate.text)) return true;
  }
  return false;
}

const ATOMIC_TYPE = /\b_Atomic\b|\batomic(?:_\w+)?\b|\bstd::atomic\b|\bAtomic\w*/;
const SYNCHRONIZATION_WORDS = new Set(['mutex', 'lock', 'srwlock', 'spinlock', 'once', 'critical', 'cond', 'condition', 'sem', 'event', 'barrier']);

/** True for a variable declared atomic: `_Atomic int`, `atomic_int`, `std::atomic<int>`. */
export function isAtomic(variable: DeclaredVariable): boolean {
  const type = variable.declaration.childForFieldName('type');
  const prefix = type ? variable.declaration.text.slice(0, type.endIndex - variable.declaration.startIndex) : '';
  return ATOMIC_TYPE.test(prefix);
}

/** True for a variable that is itself a lock, a once-flag or a condition: it exists to be shared. */
export function isSynchronizationObject(variable: DeclaredVariable): boolean {
  return variable.typeName !== undefined && snakeWords(variable.typeName).some((word) => SYNCHRONIZATION_WORDS.has(word));
}

/** Atomic builtins and APIs: `__atomic_store_n`, `__sync_fetch_and_add`, `_Py_atomic_store_int`, `atomic_store`, `InterlockedIncrement`. */
export function isAtomicOperation(name: string): boolean {
  return /^(?:__atomic_|__sync_|_Py_atomic_|atomic_|std::atomic_|Interlocked|_Interlocked|OSAtomic|g_atomic_)/.test(name);
}
