import type { Node } from 'web-tree-sitter';
import { calleeName } from './calls';
import { readDefinedFunctions, walkBody } from './functions';
import { jniEnvCallName } from './jni-function-table';

/** JNIEnv functions that may leave an exception pending (the JNI specification lists what each throws). */
const MAY_THROW =
  /^(?:Call(?:Static|Nonvirtual)?\w+Method[VA]?|NewObject[VA]?|AllocObject|FindClass|DefineClass|Get(?:Static)?(?:Method|Field)ID|NewString(?:UTF)?|New\w+Array|RegisterNatives|NewDirectByteBuffer)$/;
/** JNIEnv functions the specification allows while an exception is pending. */
const SAFE_WHILE_PENDING =
  /^(?:Exception(?:Check|Occurred|Describe|Clear)|Delete(?:Local|Global|WeakGlobal)Ref|(?:Push|Pop)LocalFrame|MonitorExit|Release\w+ArrayElements|ReleasePrimitiveArrayCritical|ReleaseString(?:UTF)?Chars|ReleaseStringCritical|FatalError)$/;
/** JNIEnv functions whose NULL result means an exception is pending. */
const NULL_MEANS_PENDING =
  /^(?:NewObject[VA]?|AllocObject|FindClass|DefineClass|Get(?:Static)?(?:Method|Field)ID|NewString(?:UTF)?|New\w+Array|GetObjectArrayElement|NewDirectByteBuffer)$/;
/** Macros and helpers whose names say they look for (or handle) an exception. */
const CHECK_NAME = /exception|check/i;

export function mayThrow(name: string): boolean {
  return MAY_THROW.test(name);
}

export function isSafeWhilePending(name: string): boolean {
  return SAFE_WHILE_PENDING.test(name);
}

export function nullMeansPending(name: string): boolean {
  return NULL_MEANS_PENDING.test(name);
}

/** Names of this file's functions that call ExceptionCheck or ExceptionOccurred themselves. */
export function readExceptionCheckingFunctions(root: Node): ReadonlySet<string> {
  const names = new Set<string>();
  for (const [name, definitions] of readDefinedFunctions(root)) {
    const checks = definitions.some((fn) => {
      for (const node of walkBody(fn.body)) {
        if (node.type !== 'call_expression') continue;
        const called = jniEnvCallName(node);
        if (called === 'ExceptionCheck' || called === 'ExceptionOccurred') return true;
      }
      return false;
    });
    if (checks) names.add(name);
  }
  return names;
}

/**
 * True when `call` looks for a pending exception: `ExceptionCheck`/`ExceptionOccurred`, a macro or
 * helper named for exceptions or checks (`CHECK_EXCEPTION(env)`), or a same-file function that
 * calls one of the two.
 */
export function isExceptionCheck(call: Node, checkingFunctions: ReadonlySet<string>): boolean {
  const jni = jniEnvCallName(call);
  if (jni) return jni === 'ExceptionCheck' || jni === 'ExceptionOccurred';
  const name = calleeName(call);
  return name !== undefined && (CHECK_NAME.test(name) || checkingFunctions.has(name));
}
