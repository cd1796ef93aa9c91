import { calleeName } from '../../analysis/c/calls';
import { blockingReason } from '../../analysis/c/blocking-functions';
import { ExitPaths } from '../../analysis/c/exit-paths';
import { firstReached, readDefinedFunctions, resolveFunction, walkBody, type DefinedFunction } from '../../analysis/c/functions';
import {
  CRITICAL_FUNCTIONS,
  isInNullBranch,
  isJniCall,
  readBorrowedBuffers,
  releasePairing,
  statementHolding,
} from '../../analysis/c/jni-borrowed-buffers';
import { defineRule, type RuleContext } from '../../engine/rule';

/**
 * The C library and POSIX routines that wait on I/O, time, locks or other threads: the known
 * names only, not names that merely look like waiting (stdio formatting is left out on purpose).
 */
const BLOCKING = new Set(
  (
    'sleep usleep nanosleep clock_nanosleep pause Sleep SleepEx select pselect poll ppoll epoll_wait epoll_pwait kevent ' +
    'read readv pread preadv recv recvfrom recvmsg accept accept4 connect write writev pwrite pwritev send sendto sendmsg ' +
    'fread fwrite fgets getline fsync fdatasync wait waitpid pthread_join pthread_mutex_lock pthread_rwlock_rdlock ' +
    'pthread_rwlock_wrlock pthread_cond_wait pthread_cond_timedwait pthread_barrier_wait sem_wait sem_timedwait ' +
    'mtx_lock cnd_wait cnd_timedwait flock lockf WaitForSingleObject WaitForMultipleObjects EnterCriticalSection ReadFile WriteFile'
  ).split(' '),
);

/** The first JNI call a same-file function makes, itself or through the same-file functions it calls. */
function jniCallMadeBy(fn: DefinedFunction, functions: Map<string, DefinedFunction[]>, memo: Map<number, string | null>): string | undefined {
  return firstReached(
    fn,
    (node) => (node.type === 'call_expression' && isJniCall(node) ? calleeName(node) : undefined),
    (call) => {
      const callee = call.childForFieldName('function');
      return callee ? resolveFunction(callee, functions) : undefined;
    },
    memo,
  );
}

const INSTEAD_ARRAY = 'copy what you need and call ReleasePrimitiveArrayCritical first, or use Get<Type>ArrayRegion / Get<Type>ArrayElements instead';
const INSTEAD_STRING = 'copy what you need and call ReleaseStringCritical first, or use GetStringRegion / GetStringChars instead';

export default defineRule({
  id: 'jni/call-in-critical-region',
  languages: ['c', 'cpp'],
  severity: 'error',
  questions: [8, 5],
  description:
    'A JNI call, a blocking call or a helper that makes JNI calls runs between GetPrimitiveArrayCritical/GetStringCritical and the matching Release, where the VM may hold off garbage collection.',
  messages: {
    jniCall:
      '`{{call}}` is a JNI call made while `{{array}}` is held by {{get}}: no other JNI function may run inside a critical region; {{instead}}.',
    blockingCall:
      '`{{call}}` {{why}} while `{{array}}` is held by {{get}}, and the VM may hold off garbage collection (stalling other threads) until it is released: {{instead}}.',
    helperCall:
      '`{{call}}` makes JNI calls (`{{inner}}`) while `{{array}}` is held by {{get}}: no other JNI function may run inside a critical region; {{instead}}.',
  },
  fixable: false,
  triggers: ['GetPrimitiveArrayCritical', 'GetStringCritical'],
  check(context) {
    checkRegions(context);
  },
});

function checkRegions(context: RuleContext): void {
  const functions = context.shared(readDefinedFunctions);
  const memo = new Map<number, string | null>();
  const reported = new Set<number>();
  for (const buffer of context.shared(readBorrowedBuffers)) {
    const { statement, body } = buffer;
    if (!buffer.critical || !statement || !body || body.type !== 'compound_statement') continue;
    const pair = releasePairing(buffer, statement);
    const paths = new ExitPaths(body, pair);
    const array = buffer.source ?? 'the array';
    const instead = buffer.getName === 'GetStringCritical' ? INSTEAD_STRING : INSTEAD_ARRAY;
    for (const call of walkBody(body)) {
      if (call.type !== 'call_expression' || call.startIndex < statement.endIndex || reported.has(call.id)) continue;
      const name = calleeName(call);
      if (!name || CRITICAL_FUNCTIONS.has(name)) continue;
      let messageId: string | undefined;
      let why = '';
      let inner = '';
      if (isJniCall(call)) {
        messageId = 'jniCall';
      } else if (BLOCKING.has(name) && call.childForFieldName('function')?.type === 'identifier') {
        messageId = 'blockingCall';
        why = blockingReason(name) ?? 'can block';
      } else {
        const callee = call.childForFieldName('function');
        const helper = callee ? resolveFunction(callee, functions) : undefined;
        const made = helper ? jniCallMadeBy(helper, functions, memo) : undefined;
        if (helper && made) {
          messageId = 'helperCall';
          inner = made;
        }
      }
      if (!messageId) continue;
      const holder = statementHolding(call, body);
      if (!holder || (buffer.pointer && isInNullBranch(call, buffer.pointer, statement))) continue;
      if (paths.stateBefore(holder) !== 'open') continue;
      reported.add(call.id);
      context.report({ node: call, messageId, data: { call: name, array, get: buffer.getName, why, inner, instead } });
    }
  }
}
