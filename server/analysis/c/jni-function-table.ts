import type { Node } from 'web-tree-sitter';
import { stripCasts, stripParentheses } from './expressions';

/** Every function of the JNIEnv table, by the families their names come in. */
const JNI_ENV_FUNCTION =
  /^(?:GetVersion|DefineClass|FindClass|FromReflected(?:Method|Field)|ToReflected(?:Method|Field)|GetSuperclass|IsAssignableFrom|Throw|ThrowNew|Exception(?:Occurred|Describe|Clear|Check)|FatalError|(?:Push|Pop)LocalFrame|(?:New|Delete)(?:Global|Local|WeakGlobal)Ref|IsSameObject|EnsureLocalCapacity|AllocObject|NewObject[VA]?|GetObjectClass|IsInstanceOf|Get(?:Static)?(?:Method|Field)ID|Call(?:Static|Nonvirtual)?(?:Object|Boolean|Byte|Char|Short|Int|Long|Float|Double|Void)Method[VA]?|(?:Get|Set)(?:Static)?(?:Object|Boolean|Byte|Char|Short|Int|Long|Float|Double)Field|NewString(?:UTF)?|GetString(?:UTF)?(?:Length|Chars|Region)|ReleaseString(?:UTF)?Chars|(?:Get|Release)StringCritical|GetArrayLength|NewObjectArray|(?:Get|Set)ObjectArrayElement|New(?:Boolean|Byte|Char|Short|Int|Long|Float|Double)Array|(?:Get|Release)(?:Boolean|Byte|Char|Short|Int|Long|Float|Double)ArrayElements|(?:Get|Set)(?:Boolean|Byte|Char|Short|Int|Long|Float|Double)ArrayRegion|(?:Un)?RegisterNatives|Monitor(?:Enter|Exit)|GetJavaVM|(?:Get|Release)PrimitiveArrayCritical|NewDirectByteBuffer|GetDirectBuffer(?:Address|Capacity)|GetObjectRefType|GetModule|IsVirtualThread)$/;

const JAVA_VM_FUNCTION = /^(?:AttachCurrentThread(?:AsDaemon)?|DetachCurrentThread|GetEnv|DestroyJavaVM)$/;

/** True when `name` is the name of a JNIEnv function. */
export function isJniEnvFunction(name: string): boolean {
  return JNI_ENV_FUNCTION.test(name);
}

function tableFunctionName(call: Node): string | undefined {
  if (call.type !== 'call_expression') return undefined;
  const callee = call.childForFieldName('function');
  if (callee?.type !== 'field_expression' || callee.childForFieldName('operator')?.text !== '->') return undefined;
  return callee.childForFieldName('field')?.text;
}

/**
 * The JNIEnv function a call invokes through the function table, `(*env)->FindClass(env, …)` in C
 * or `env->FindClass(…)` in C++; undefined for any other call.
 */
export function jniEnvCallName(call: Node): string | undefined {
  const name = tableFunctionName(call);
  return name && isJniEnvFunction(name) ? name : undefined;
}

/**
 * The JavaVM invocation function a call invokes (`AttachCurrentThread`, `DetachCurrentThread`,
 * `GetEnv`, …) through `(*vm)->X(vm, …)` or `vm->X(…)`.
 */
export function javaVmCallName(call: Node): string | undefined {
  const name = tableFunctionName(call);
  return name && JAVA_VM_FUNCTION.test(name) ? name : undefined;
}

/** The arguments of a call that are not comments. */
export function callArguments(call: Node): Node[] {
  return (
    call.childForFieldName('arguments')?.namedChildren.filter((child): child is Node => child !== null && child.type !== 'comment') ?? []
  );
}

/** `(void **)&env`, `reinterpret_cast<void **>(&env)` → `&env`: C and C++ casts peeled off. */
export function stripAnyCasts(node: Node): Node {
  let current = stripCasts(node);
  while (current.type === 'call_expression') {
    const callee = current.childForFieldName('function');
    const name = callee?.type === 'template_function' ? callee.childForFieldName('name')?.text : undefined;
    const [only, ...rest] = callArguments(current);
    if (!name || !/^(?:reinterpret|static|const)_cast$/.test(name) || !only || rest.length > 0) break;
    current = stripCasts(only);
  }
  return current;
}

/**
 * For an `AttachCurrentThread`/`GetEnv` call, the variable whose address receives the env
 * (`env` in `(void **)&env`), or undefined when the env goes to a pointer the caller passed in.
 */
export function envOutVariable(call: Node): Node | undefined {
  for (const argument of callArguments(call)) {
    const value = stripAnyCasts(argument);
    if (value.type !== 'pointer_expression' || value.childForFieldName('operator')?.text !== '&') continue;
    const target = value.childForFieldName('argument');
    return target ? stripParentheses(target) : undefined;
  }
  return undefined;
}
