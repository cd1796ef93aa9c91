/**
 * Which C functions can block the calling thread for an unbounded time, judged by name: the C
 * library and POSIX routines that wait, and a library's own API whose name says it waits, sleeps,
 * locks or joins. Used by rules that care what a foreign call does to the thread that makes it.
 */

const LOCK_REASON = 'waits for a lock';

/** C library and POSIX routines that can block, with a few words saying on what. */
const BLOCKING_ROUTINES: ReadonlyMap<string, string> = new Map([
  ...words('sleeps', 'sleep usleep nanosleep clock_nanosleep pause Sleep SleepEx'),
  ...words('waits for file descriptors', 'select pselect poll ppoll epoll_wait epoll_pwait kevent'),
  ...words(
    'waits for I/O',
    'read readv pread preadv recv recvfrom recvmsg accept accept4 connect write writev send sendto sendmsg ' +
      'fgets fgetc getc getchar gets getline getdelim fread fsync fdatasync',
  ),
  ...words('waits for a child process', 'wait waitpid wait3 wait4 waitid pclose system'),
  ...words('waits for a thread', 'pthread_join thrd_join uv_thread_join'),
  ...words(LOCK_REASON, 'pthread_mutex_lock pthread_rwlock_rdlock pthread_rwlock_wrlock pthread_spin_lock mtx_lock mtx_timedlock'),
  ...words(
    'waits for a condition or another party',
    'pthread_cond_wait pthread_cond_timedwait pthread_barrier_wait sem_wait sem_timedwait cnd_wait cnd_timedwait ' +
      'uv_cond_wait uv_cond_timedwait uv_sem_wait uv_barrier_wait',
  ),
  ...words('waits for a file lock', 'flock lockf'),
  ...words('waits for a signal or message', 'sigwait sigwaitinfo sigtimedwait sigsuspend msgrcv mq_receive mq_timedreceive'),
  ...words('resolves names, possibly over the network', 'getaddrinfo getnameinfo gethostbyname gethostbyname2 gethostbyaddr res_query res_search'),
]);

/**
 * Routines that open a file or move its data: quick on a local disk, but unbounded on a network
 * filesystem, a FIFO, a terminal or a device. Not in BLOCKING_ROUTINES, so only callers that ask
 * for them (code on an event loop thread) see them.
 */
const FILE_ROUTINES: ReadonlyMap<string, string> = new Map(
  words('opens or transfers file data and can wait on slow or network storage or a pipe', 'fopen freopen open openat creat popen fwrite fflush fscanf'),
);

/**
 * Why a call of the C library or POSIX routine `name` can block, by its exact name only (no
 * guessing from words). Lock routines count unless `locks` is false; file opening and writing
 * (`fopen`, `open`, `popen`, `fwrite`…) only when `files` is true.
 */
export function blockingRoutineReason(name: string, options: { locks?: boolean; files?: boolean } = {}): string | undefined {
  const routine = BLOCKING_ROUTINES.get(name);
  if (routine) return routine === LOCK_REASON && options.locks === false ? undefined : routine;
  return options.files ? FILE_ROUTINES.get(name) : undefined;
}

function words(why: string, names: string): [string, string][] {
  return names.split(/\s+/).map((name) => [name, why]);
}

/** `pthread_cond_timedwait` → pthread, cond, timedwait; `WaitForSingleObject` → wait, for, single, object. */
export function nameTokens(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .toLowerCase()
    .split(/[_\W]+/)
    .filter(Boolean);
}

/** Verbs that block when a library's own function is named after them. */
const WAITING_VERBS: ReadonlyMap<string, string> = new Map([
  ['wait', 'its name says it waits'],
  ['timedwait', 'its name says it waits'],
  ['sleep', 'its name says it sleeps'],
  ['usleep', 'its name says it sleeps'],
  ['msleep', 'its name says it sleeps'],
  ['nanosleep', 'its name says it sleeps'],
  ['lock', 'its name says it takes a lock'],
  ['join', 'its name says it waits for a thread'],
  ['blocking', 'its name says it blocks'],
  ['block', 'its name says it blocks'],
]);
/** A word before the verb that makes the name a query, a setting or a non-blocking attempt. */
const NOT_WAITING_BEFORE = new Set([
  'get', 'set', 'is', 'has', 'can', 'should', 'needs', 'query', 'try', 'no', 'non', 'un', 'enable', 'disable', 'print', 'dump',
  'debug', 'assert', 'check', 'init', 'create', 'new', 'alloc', 'destroy', 'free', 'delete', 'release', 'drop', 'reset', 'clear',
  'cancel', 'abort', 'interrupt', 'stop', 'wake', 'notify', 'prevent', 'inhibit', 'allow',
]);
/** A word after the verb that makes the name about the lock or wait object rather than waiting on it. */
const NOT_WAITING_AFTER = new Set([
  'init', 'initialize', 'create', 'new', 'alloc', 'allocate', 'destroy', 'free', 'delete', 'dispose', 'fini', 'finalize',
  'clear', 'reset', 'count', 'state', 'status', 'type', 'owner', 'name', 'id', 'held', 'attr', 'attrs', 'size', 'info',
  'stats', 'level', 'order', 'less', 'mode', 'time', 'list', 'handle', 'ptr', 'cb', 'callback', 'fn', 'func', 'cancel', 'abort',
  'interrupt',
]);
/** `join` only blocks when it joins a thread; `path_join` and `str_join` concatenate. */
const JOINABLE = new Set(['thread', 'thrd', 'task', 'worker', 'job', 'fiber', 'proc', 'process', 'coroutine', 'pool']);
/** `block` is usually a noun (a data block); it is a verb only before these words. */
const BLOCK_VERB_FOLLOWERS = new Set(['until', 'on', 'for', 'while']);

/**
 * Why a call of the C function `name` can block its thread, or undefined when nothing says so.
 * Python C-API functions (`Py*`, `_Py*`) never count: they run with the GIL on purpose.
 */
export function blockingReason(name: string): string | undefined {
  if (/^_?Py/.test(name)) return undefined;
  const routine = BLOCKING_ROUTINES.get(name);
  if (routine) return routine;
  const tokens = nameTokens(name);
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    const why = WAITING_VERBS.get(token);
    if (!why) continue;
    const before = tokens[i - 1];
    const after = tokens[i + 1];
    if (before !== undefined && NOT_WAITING_BEFORE.has(before)) continue;
    if (tokens.slice(i + 1).some((word) => NOT_WAITING_AFTER.has(word))) continue;
    if (token === 'join' && !tokens.some((word) => JOINABLE.has(word))) continue;
    if (token === 'block' && (after === undefined || !BLOCK_VERB_FOLLOWERS.has(after))) continue;
    return why;
  }
  return undefined;
}
