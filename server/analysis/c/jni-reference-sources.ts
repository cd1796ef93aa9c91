import type { Node } from 'web-tree-sitter';
import { calleeName } from './calls';
import type { DeclaredVariable } from './declarations';
import { isAddressOf, isNullPointerConstant, stripCasts, stripParentheses } from './expressions';
import { functionDeclaratorOf } from './functions';
import { resolveVariable, type FileScope } from './scope';

/** JNI reference types whose values are local references unless promoted (`jweak` is a weak global). */
const REFERENCE_TYPES = new Set([
  'jobject',
  'jclass',
  'jstring',
  'jthrowable',
  'jarray',
  'jobjectArray',
  'jbooleanArray',
  'jbyteArray',
  'jcharArray',
  'jshortArray',
  'jintArray',
  'jlongArray',
  'jfloatArray',
  'jdoubleArray',
]);

/** JNIEnv functions whose result is a new local reference. */
const LOCAL_REFERENCE_RESULT =
  /^(?:FindClass|DefineClass|GetSuperclass|GetObjectClass|AllocObject|NewObject[AV]?|NewString(?:UTF)?|NewObjectArray|New(?:Boolean|Byte|Char|Short|Int|Long|Float|Double)Array|GetObjectArrayElement|Get(?:Static)?ObjectField|Call(?:Static|Nonvirtual)?ObjectMethod[AV]?|NewLocalRef|ExceptionOccurred|NewDirectByteBuffer|ToReflected(?:Method|Field)|GetModule)$/;

/** True for a JNI reference type name other than `jweak`: `jobject`, `jclass`, `jintArray`, … */
export function isReferenceType(typeName: string | undefined): boolean {
  return typeName !== undefined && REFERENCE_TYPES.has(typeName);
}

/** Where a local reference comes from, for a message: a native method's parameter or a JNI call. */
export type LocalReferenceSource =
  | { kind: 'parameter'; variable: DeclaredVariable }
  | { kind: 'call'; call: Node; function: string };

/** `static_cast<jclass>(x)`, `reinterpret_cast<jobject>(x)` and C casts → `x`. */
export function stripAnyCasts(node: Node): Node {
  let current = stripCasts(node);
  for (;;) {
    if (current.type !== 'call_expression') return current;
    const callee = current.childForFieldName('function');
    if (callee?.type !== 'template_function' || !/_cast$/.test(callee.childForFieldName('name')?.text ?? '')) return current;
    const [only] = current.childForFieldName('arguments')?.namedChildren.filter((child) => child?.type !== 'comment') ?? [];
    if (!only) return current;
    current = stripCasts(only);
  }
}

/** The JNIEnv function a call goes through the function table for: `(*env)->FindClass(env, …)`, `env->FindClass(…)`. */
export function jniTableCallName(call: Node): string | undefined {
  if (call.type !== 'call_expression') return undefined;
  const callee = call.childForFieldName('function');
  if (callee?.type !== 'field_expression' || callee.childForFieldName('operator')?.text !== '->') return undefined;
  return calleeName(call);
}

/**
 * Names of the functions this file shows to be JNI native methods: `Java_…` definitions and the
 * functions listed in a `JNINativeMethod` table.
 */
export function readNativeMethodNames(root: Node): Set<string> {
  const names = new Set<string>();
  for (const definition of root.descendantsOfType('function_definition')) {
    const name = definition ? functionDeclaratorOf(definition)?.childForFieldName('declarator')?.text : undefined;
    if (name?.startsWith('Java_')) names.add(name);
  }
  for (const declaration of root.descendantsOfType('declaration')) {
    if (!declaration || !/\bJNINativeMethod\b/.test(declaration.childForFieldName('type')?.text ?? '')) continue;
    for (const identifier of declaration.descendantsOfType('identifier')) {
      if (identifier && identifier.parent?.type !== 'init_declarator' && identifier.parent?.type !== 'array_declarator') {
        names.add(identifier.text);
      }
    }
  }
  return names;
}

/** The definition a parameter belongs to, when it belongs to a function definition. */
function definitionOfParameter(variable: DeclaredVariable): Node | undefined {
  const list = variable.declaration.parent;
  const declarator = list?.parent;
  const definition = declarator?.parent;
  if (list?.type !== 'parameter_list' || declarator?.type !== 'function_declarator') return undefined;
  return definition?.type === 'function_definition' ? definition : undefined;
}

/** Every value written to a local variable in its function: its initializer and plain assignments; undefined if its address is taken. */
function valuesWrittenTo(variable: DeclaredVariable, scope: FileScope): Node[] | undefined {
  let body: Node | null = variable.declaration.parent;
  while (body && body.type !== 'function_definition' && body.type !== 'lambda_expression') body = body.parent;
  if (!body) return undefined;
  const values: Node[] = variable.initializer ? [variable.initializer] : [];
  const sameVariable = (node: Node) => {
    const target = stripParentheses(node);
    return target.type === 'identifier' && target.text === variable.name && resolveVariable(target, scope)?.nameNode.id === variable.nameNode.id;
  };
  for (const use of body.descendantsOfType(['assignment_expression', 'pointer_expression'])) {
    if (!use) continue;
    if (use.type === 'pointer_expression') {
      const argument = use.childForFieldName('argument');
      if (isAddressOf(use) && argument && sameVariable(argument)) return undefined;
      continue;
    }
    const left = use.childForFieldName('left');
    const right = use.childForFieldName('right');
    if (!left || !right || !sameVariable(left)) continue;
    if (use.childForFieldName('operator')?.text !== '=') return undefined;
    values.push(right);
  }
  return values;
}

/**
 * Where `value` gets a local reference from, when the file shows it for sure: a JNIEnv call that
 * returns one (`FindClass`, `NewStringUTF`, `GetObjectField`, …), a reference-typed parameter of a
 * native method, or a local variable whose every (non-null) value is one of these.
 */
export function localReferenceSource(
  value: Node,
  scope: FileScope,
  nativeMethods: ReadonlySet<string>,
  depth = 0,
): LocalReferenceSource | undefined {
  const node = stripAnyCasts(value);
  if (node.type === 'call_expression') {
    const name = jniTableCallName(node);
    return name && LOCAL_REFERENCE_RESULT.test(name) ? { kind: 'call', call: node, function: name } : undefined;
  }
  if (node.type !== 'identifier' || depth > 3) return undefined;
  const variable = resolveVariable(node, scope);
  if (!variable || variable.shape !== 'plain' || variable.pointerDepth !== 0 || !isReferenceType(variable.typeName)) return undefined;
  if (variable.storage === 'parameter') {
    const definition = definitionOfParameter(variable);
    const name = definition ? functionDeclaratorOf(definition)?.childForFieldName('declarator')?.text : undefined;
    return name && nativeMethods.has(name) ? { kind: 'parameter', variable } : undefined;
  }
  if (variable.storage !== 'local') return undefined;
  const values = valuesWrittenTo(variable, scope)?.filter((written) => !isNullPointerConstant(written));
  if (!values || values.length === 0) return undefined;
  const sources = values.map((written) => localReferenceSource(written, scope, nativeMethods, depth + 1));
  return sources.every((source) => source !== undefined) ? sources[0] : undefined;
}
