import type { Node } from 'web-tree-sitter';
import { findGilReleasedSpans, gilReleasedSpanAt, readPythonObjectTypes, takesPythonObjects } from '../../analysis/c/cpython';
import { readFunctionVariables } from '../../analysis/c/function-locals';
import { findFunctionsByTokens } from '../../analysis/c/token-functions';
import { storageSpecifiersOf } from '../../analysis/c/declarations';
import { readFileScope } from '../../analysis/c/scope';
import { isNameToken } from '../../analysis/c/tokens';
import { defineRule } from '../../engine/rule';

/**
 * C library and POSIX calls that wait: for time, I/O, a peer, a file lock, a condition, a child or
 * another thread. Mutexes are left out: a short critical section guarding the module's own C state
 * is what a careful extension does (Q15), and it is usually taken with the GIL held.
 */
const BLOCKING_CALLS = new Set([
  'sleep',
  'usleep',
  'nanosleep',
  'clock_nanosleep',
  'read',
  'pread',
  'readv',
  'write',
  'pwrite',
  'writev',
  'recv',
  'recvfrom',
  'recvmsg',
  'send',
  'sendto',
  'sendmsg',
  'accept',
  'accept4',
  'connect',
  'fread',
  'fwrite',
  'fgets',
  'getline',
  'fsync',
  'fdatasync',
  'pthread_join',
  'pthread_cond_wait',
  'pthread_cond_timedwait',
  'sem_wait',
  'sem_timedwait',
  'poll',
  'ppoll',
  'select',
  'pselect',
  'epoll_wait',
  'epoll_pwait',
  'waitpid',
  'wait',
  'wait3',
  'wait4',
  'waitid',
  'flock',
  'lockf',
  'getaddrinfo',
  'gethostbyname',
  'gethostbyaddr',
  'system',
  'pclose',
  'Sleep',
  'WaitForSingleObject',
  'WaitForMultipleObjects',
]);
/** `std::this_thread::sleep_for(…)` and friends, by their last two names. */
const BLOCKING_MEMBERS = new Set(['this_thread::sleep_for', 'this_thread::sleep_until']);

/** The names of the functions and methods this file defines or declares itself: calls to them are not the C library's. */
function ownFunctionNames(root: Node): Set<string> {
  const names = new Set<string>();
  for (const declarator of root.descendantsOfType('function_declarator')) {
    const name = declarator?.childForFieldName('declarator');
    if (!name) continue;
    const last = name.type === 'qualified_identifier' ? name.text.split('::').at(-1) : name.text;
    if (last && BLOCKING_CALLS.has(last) && !isLibraryPrototype(declarator)) names.add(last);
  }
  return names;
}

/** `extern int usleep(unsigned);` at file scope re-declares the library's function; it does not replace it. */
function isLibraryPrototype(declarator: Node): boolean {
  let declaration = declarator.parent;
  while (declaration?.type === 'pointer_declarator') declaration = declaration.parent;
  return (
    declaration?.type === 'declaration' &&
    declaration.parent?.type === 'translation_unit' &&
    !storageSpecifiersOf(declaration).includes('static')
  );
}

export default defineRule({
  id: 'cpython/blocking-call-holds-gil',
  languages: ['c', 'cpp'],
  severity: 'info',
  questions: [12, 30],
  description:
    'A call that can block (sleep, read, recv, accept, pthread_join, waitpid, …) is made while the GIL is held, in a function that takes Python objects, so every other Python thread waits for it.',
  messages: {
    blocking:
      '`{{call}}` can block while `{{function}}` holds the GIL, stalling every other Python thread: release the GIL around it with Py_BEGIN_ALLOW_THREADS / Py_END_ALLOW_THREADS, touching no Python object in between.',
  },
  fixable: false,
  triggers: ['PyObject'],
  check(context) {
    const types = context.shared(readPythonObjectTypes);
    const spans = context.shared(findGilReleasedSpans);
    const fileScope = context.shared(readFileScope);
    const ownFunctions = ownFunctionNames(context.root);
    for (const fn of context.shared(findFunctionsByTokens)) {
      if (!takesPythonObjects(fn, types)) continue;
      const lookup = readFunctionVariables(context.root, fn);
      const tokens = fn.body;
      const reportedLines = new Set<number>();
      tokens.forEach((token, index) => {
        if (!isNameToken(token) || tokens[index + 1]?.type !== '(') return;
        let name = token.text;
        const previous = tokens[index - 1];
        if (previous?.type === '->' || previous?.type === '.') return; // A method, or a function pointer in a struct.
        if (previous?.type === '::') {
          const scope = tokens[index - 2];
          if (isNameToken(scope) && BLOCKING_MEMBERS.has(`${scope.text}::${name}`)) name = `std::this_thread::${name}`;
          else if (isNameToken(scope) || tokens[index - 2]?.type === '>' || !BLOCKING_CALLS.has(name)) return; // Some class's own.
        } else if (
          !BLOCKING_CALLS.has(name) ||
          ownFunctions.has(name) ||
          lookup(name, token.startIndex) ||
          fileScope.variables.get(name)?.some((variable) => variable.shape !== 'function')
        ) {
          return;
        }
        if (gilReleasedSpanAt(spans, token.startIndex) || reportedLines.has(token.startPosition.row)) return;
        reportedLines.add(token.startPosition.row);
        context.report({ node: token, messageId: 'blocking', data: { call: name, function: fn.name } });
      });
    }
  },
});
