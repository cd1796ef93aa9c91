import type { Node } from 'web-tree-sitter';
import { calleeName } from './calls';
import { stripCasts, stripParentheses } from './expressions';

/**
 * JNI functions whose result is a new local reference (or null). `Get<Prim>Field`, `Call<Prim>Method`
 * and friends return plain values and are not listed.
 */
const LOCAL_REF_CREATOR =
  /^(?:NewObject[AV]?|NewStringUTF|NewString|New(?:Boolean|Byte|Char|Short|Int|Long|Float|Double|Object)Array|GetObjectArrayElement|FindClass|GetObjectClass|GetSuperclass|Get(?:Static)?ObjectField|Call(?:Static|Nonvirtual)?ObjectMethod[AV]?|ToReflected(?:Method|Field)|ExceptionOccurred|AllocObject|NewDirectByteBuffer|NewLocalRef|DefineClass|GetModule)$/;

/** JNI functions that open or close a local frame, which frees every local reference made inside it. */
const LOCAL_FRAME_FUNCTIONS = new Set(['PushLocalFrame', 'PopLocalFrame']);

/** A call to a function of the JNI function table: `(*env)->F(env, …)` in C, `env->F(…)` in C++. */
export interface JniCall {
  call: Node;
  name: string;
  /** The env expression as written (`env`, `jenv`, `ctx->env`). */
  env: string;
  /** The C spelling passes the env again as first argument. */
  cStyle: boolean;
  /** The arguments after the env. */
  args: Node[];
}

/**
 * Reads a call through a function table: `(*env)->Name(env, …)` or `env->Name(…)`. Undefined for
 * plain calls and calls whose callee is no member access.
 */
export function readJniCall(call: Node): JniCall | undefined {
  if (call.type !== 'call_expression') return undefined;
  const callee = call.childForFieldName('function');
  if (callee?.type !== 'field_expression' || callee.child(1)?.type !== '->') return undefined;
  const name = calleeName(call);
  const target = callee.childForFieldName('argument');
  if (!name || !target) return undefined;
  const list = call.childForFieldName('arguments');
  const all = list ? list.namedChildren.filter((child): child is Node => child !== null && child.type !== 'comment') : [];
  const object = stripParentheses(target);
  if (object.type === 'pointer_expression' && object.childForFieldName('operator')?.text === '*') {
    const env = object.childForFieldName('argument')?.text ?? '';
    return { call, name, env, cStyle: true, args: all.slice(1) };
  }
  return { call, name, env: target.text, cStyle: false, args: all };
}

/** True for JNI functions that return a new local reference. */
export function createsLocalRef(name: string): boolean {
  return LOCAL_REF_CREATOR.test(name);
}

export function managesLocalFrame(name: string): boolean {
  return LOCAL_FRAME_FUNCTIONS.has(name);
}

/**
 * The name a stored reference is known by: `g_cls` for `g_cls` or `ns::g_cls`, `callback` for
 * `self->callback` or `p.callback`; undefined for anything else (array elements, calls).
 */
export function referenceKey(node: Node): { key: string; kind: 'variable' | 'field' } | undefined {
  const value = stripCasts(node);
  if (value.type === 'identifier') return { key: value.text, kind: 'variable' };
  if (value.type === 'qualified_identifier') {
    let name: Node | null = value;
    while (name?.type === 'qualified_identifier') name = name.childForFieldName('name');
    return name?.type === 'identifier' ? { key: name.text, kind: 'variable' } : undefined;
  }
  if (value.type === 'field_expression') {
    const field = value.childForFieldName('field');
    return field ? { key: field.text, kind: 'field' } : undefined;
  }
  return undefined;
}

/**
 * Climbs from an expression through casts (C and C++), parentheses and comma-free wrappers to the
 * node that consumes its value.
 */
export function valueConsumer(node: Node): { consumer: Node; value: Node } {
  let current = node;
  for (;;) {
    const parent = current.parent;
    if (!parent) return { consumer: current, value: current };
    if (parent.type === 'parenthesized_expression' || parent.type === 'cast_expression') {
      current = parent;
      continue;
    }
    // static_cast<jclass>(x), reinterpret_cast<jlong>(x)
    if (parent.type === 'argument_list' && parent.parent?.type === 'call_expression') {
      const callee = parent.parent.childForFieldName('function');
      if (callee?.type === 'template_function' && /_cast$/.test(callee.childForFieldName('name')?.text ?? '')) {
        current = parent.parent;
        continue;
      }
    }
    return { consumer: parent, value: current };
  }
}

/** JNI functions that create a global or weak global reference. */
export function createsGlobalRef(name: string): boolean {
  return name === 'NewGlobalRef' || name === 'NewWeakGlobalRef';
}

export function deletesGlobalRef(name: string): boolean {
  return name === 'DeleteGlobalRef' || name === 'DeleteWeakGlobalRef';
}

/** The arguments of any call, comments left out. */
export function argumentsOf(call: Node): Node[] {
  const list = call.childForFieldName('arguments');
  return list ? list.namedChildren.filter((child): child is Node => child !== null && child.type !== 'comment') : [];
}

/** The type a declaration names, as written (`ScopedLocalRef<jstring>`, `jclass`). */
export function declaredTypeText(declaration: Node): string {
  return declaration.childForFieldName('type')?.text ?? '';
}
