/**
 * What a C function does with a callback it receives, judged from its name: `retains` (keeps it to
 * call later: registrations, setters, async starters), `during-call` (calls it only before it
 * returns: sorting, searching, iteration), or `unknown`. Only `retains` is evidence enough to report.
 */
export type CallbackRetention = 'retains' | 'during-call' | 'unknown';

/** Words that say the callback is only used before the function returns, or is being removed. */
const DURING_CALL_WORDS = new Set([
  'foreach', 'each', 'walk', 'iterate', 'iter', 'sort', 'qsort', 'bsearch', 'lfind', 'lsearch', 'tsearch', 'twalk',
  'search', 'find', 'visit', 'traverse', 'scan', 'exec', 'apply', 'map', 'reduce', 'fold', 'call', 'invoke', 'run',
  'fire', 'trigger', 'emit', 'dispatch', 'get', 'is', 'has', 'remove', 'del', 'delete', 'unregister', 'deregister',
  'unsubscribe', 'unhook', 'disconnect', 'detach', 'uninstall', 'unwatch', 'clear', 'reset', 'free', 'destroy',
]);
/** Words that, anywhere in the name, say the callback is kept. */
const RETAINING_WORDS = new Set([
  'register', 'subscribe', 'install', 'connect', 'attach', 'watch', 'listen', 'hook', 'setopt', 'atexit', 'signal',
  'sigaction', 'schedule', 'enqueue', 'defer', 'submit', 'async', 'set', 'add', 'start',
]);
/** Last words that name the stored thing: `sqlite3_busy_handler`, `foo_log_callback`. */
const STORED_THING_WORDS = new Set(['callback', 'callbacks', 'cb', 'handler', 'hook', 'listener', 'observer', 'notifier', 'notify']);
/** `create`/`new` keep their callback when they make one of these. */
const CREATED_HOLDERS = new Set(['thread', 'pthread', 'timer', 'function', 'collation', 'module', 'stream', 'capsule', 'source', 'task', 'closure', 'watch', 'watcher']);

/** `XSetErrorHandler` → [x, set, error, handler]; `sqlite3_create_function` → [sqlite3, create, function]. */
export function nameWords(name: string): string[] {
  return name
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split(/_+/)
    .filter(Boolean);
}

export function callbackRetention(name: string): CallbackRetention {
  const words = nameWords(name);
  if (words.some((word) => DURING_CALL_WORDS.has(word) || word.startsWith('enum'))) return 'during-call';
  if (words.some((word) => RETAINING_WORDS.has(word))) return 'retains';
  if (STORED_THING_WORDS.has(words[words.length - 1] ?? '')) return 'retains';
  if (words.slice(0, 2).includes('on')) return 'retains';
  if ((words.includes('create') || words.includes('new')) && words.some((word) => CREATED_HOLDERS.has(word))) return 'retains';
  return 'unknown';
}
