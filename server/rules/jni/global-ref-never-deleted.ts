import type { Node } from 'web-tree-sitter';
import { calleeName } from '../../analysis/c/calls';
import { stripCasts } from '../../analysis/c/expressions';
import { enclosingFunction, readFunctionDefinition } from '../../analysis/c/functions';
import {
  argumentsOf,
  createsGlobalRef,
  deletesGlobalRef,
  readJniCall,
  referenceKey,
  valueConsumer,
  type JniCall,
} from '../../analysis/c/jni-references';
import { storageSpecifiersOf } from '../../analysis/c/declarations';
import { readFileScope } from '../../analysis/c/scope';
import { defineRule } from '../../engine/rule';

/** Helpers that, by their name, free or take over what they are handed. */
const RELEASES = /delete|release|free|unref|clear|reset|dispose|destroy|drop/i;

interface Deletions {
  /** Variable and field names a global reference is deleted through, in this file. */
  names: Set<string>;
  /** Every `a = b` and `T a = b` between plain names or fields: a → the names it was copied from. */
  copiedFrom: Map<string, Set<string>>;
  hasUnload: boolean;
}

/** The names handed to DeleteGlobalRef or a releasing helper, through copies (`tmp = g_cb; … DeleteGlobalRef(tmp)`). */
function readDeletions(root: Node): Deletions {
  const names = new Set<string>();
  for (const call of root.descendantsOfType('call_expression')) {
    if (!call) continue;
    const jni = readJniCall(call);
    const name = jni?.name ?? calleeName(call) ?? '';
    // JNI's own Release*/DeleteLocalRef functions free other things; helpers named for releasing count.
    if (!deletesGlobalRef(name) && (/^(?:Release|Delete)[A-Z]/.test(name) || !RELEASES.test(name))) continue;
    for (const arg of jni ? jni.args : argumentsOf(call)) {
      const key = referenceKey(arg);
      if (key) names.add(key.key);
    }
  }
  const copiedFrom = new Map<string, Set<string>>();
  for (const node of root.descendantsOfType(['assignment_expression', 'init_declarator'])) {
    if (!node) continue;
    const target = node.type === 'init_declarator' ? node.childForFieldName('declarator') : node.childForFieldName('left');
    const value = node.childForFieldName(node.type === 'init_declarator' ? 'value' : 'right');
    const to = target ? referenceKey(target) : undefined;
    const from = value ? referenceKey(value) : undefined;
    if (!to || !from) continue;
    let set = copiedFrom.get(to.key);
    if (!set) copiedFrom.set(to.key, (set = new Set()));
    set.add(from.key);
  }
  // A name is deleted when a copy of it is: follow copies backwards until nothing changes.
  for (let changed = true; changed; ) {
    changed = false;
    for (const [to, sources] of copiedFrom) {
      if (!names.has(to)) continue;
      for (const source of sources) {
        if (!names.has(source)) {
          names.add(source);
          changed = true;
        }
      }
    }
  }
  const hasUnload = root.descendantsOfType('function_definition').some((definition) => definition && readFunctionDefinition(definition)?.name === 'JNI_OnUnload');
  return { names, copiedFrom, hasUnload };
}

type Holder = { kind: 'named'; name: string; node: Node } | { kind: 'handed-on' };

/** Where the new global reference is kept: a named variable or field, or handed on (returned, passed, put in a container). */
function holderOf(jni: JniCall): Holder {
  const { consumer, value } = valueConsumer(jni.call);
  switch (consumer.type) {
    case 'assignment_expression': {
      const target = consumer.childForFieldName('left');
      if (consumer.childForFieldName('right')?.id !== value.id || !target) return { kind: 'handed-on' };
      const key = referenceKey(target);
      return key ? { kind: 'named', name: key.key, node: target } : { kind: 'handed-on' };
    }
    case 'init_declarator': {
      const target = consumer.childForFieldName('declarator');
      return target?.type === 'identifier' ? { kind: 'named', name: target.text, node: target } : { kind: 'handed-on' };
    }
    case 'argument_list': {
      // `: callback_(env->NewGlobalRef(cb))` in a constructor's member initialisers.
      const field = consumer.parent?.type === 'field_initializer' ? consumer.parent.namedChildren.find((c) => c?.type === 'field_identifier') : undefined;
      return field ? { kind: 'named', name: field.text, node: field } : { kind: 'handed-on' };
    }
    default:
      return { kind: 'handed-on' };
  }
}

/** For a local holding the reference: the outcome of its uses in its function. */
function followLocal(name: string, fn: Node): { handedOn: boolean; storedAs: string[] } {
  const storedAs: string[] = [];
  let handedOn = false;
  const body = fn.childForFieldName('body');
  if (!body) return { handedOn: true, storedAs };
  for (const use of body.descendantsOfType('identifier')) {
    if (!use || use.text !== name) continue;
    const { consumer, value } = valueConsumer(use);
    if (consumer.type === 'return_statement' || consumer.type === 'initializer_list') handedOn = true;
    else if (consumer.type === 'argument_list') {
      const call = consumer.parent;
      const jni = call?.type === 'call_expression' ? readJniCall(call) : undefined;
      // JNI calls only use the reference; anything else may keep it.
      if (!jni || !/^[A-Z]/.test(jni.name)) handedOn = true;
    } else if (consumer.type === 'assignment_expression' && consumer.childForFieldName('right')?.id === value.id) {
      const target = consumer.childForFieldName('left');
      const key = target ? referenceKey(target) : undefined;
      if (key) storedAs.push(key.key);
      else handedOn = true;
    } else if (consumer.type === 'init_declarator' && consumer.childForFieldName('value')?.id === value.id) {
      const target = consumer.childForFieldName('declarator');
      if (target?.type === 'identifier') storedAs.push(target.text);
      else handedOn = true;
    }
  }
  return { handedOn, storedAs };
}

/** True when the reference is to a class: cast to `jclass`, taken from `FindClass`/`GetObjectClass`, or kept in a `jclass`. */
function isClassReference(jni: JniCall, holder: string, declaredTypes: (name: string) => string | undefined): boolean {
  for (let current = jni.call.parent; current && (current.type === 'cast_expression' || current.type === 'parenthesized_expression' || current.type === 'argument_list' || current.type === 'call_expression'); current = current.parent) {
    if (/\bjclass\b/.test(current.type === 'cast_expression' ? (current.childForFieldName('type')?.text ?? '') : current.type === 'call_expression' ? (current.childForFieldName('function')?.text ?? '') : '')) return true;
  }
  const [source] = jni.args;
  const value = source ? stripCasts(source) : undefined;
  if (value?.type === 'call_expression' && /^(?:FindClass|GetObjectClass|GetSuperclass)$/.test(readJniCall(value)?.name ?? calleeName(value) ?? '')) return true;
  if (value?.type === 'identifier' && declaredTypes(value.text) === 'jclass') return true;
  return declaredTypes(holder) === 'jclass';
}

/** True when the reference is made only while its holder is unset: `if (g_cls == NULL) g_cls = NewGlobalRef(…)`. */
function isLazyCache(node: Node, name: string): boolean {
  for (let current = node.parent; current; current = current.parent) {
    if (current.type === 'function_definition') return false;
    if (current.type !== 'if_statement') continue;
    const condition = current.childForFieldName('condition')?.text ?? '';
    if (new RegExp(`(?:!\\s*${name}\\b|\\b${name}\\s*==\\s*(?:NULL|nullptr|0)\\b|\\b(?:NULL|nullptr|0)\\s*==\\s*${name}\\b)`).test(condition)) return true;
  }
  return false;
}

export default defineRule({
  id: 'jni/global-ref-never-deleted',
  languages: ['c', 'cpp'],
  severity: 'warning',
  questions: [17],
  description:
    'A NewGlobalRef or NewWeakGlobalRef is kept in a variable or field that nothing in the file passes to DeleteGlobalRef, so the Java object can never be collected.',
  messages: {
    neverDeleted:
      '`{{holder}}` keeps a reference from {{call}} that nothing in this file deletes: the Java object can never be collected. Call {{delete}} on `{{holder}}` when it is no longer needed (close/dispose method, destructor or JNI_OnUnload).',
    notUnloaded:
      '`{{holder}}` caches a class with {{call}} and this file defines JNI_OnUnload, but nothing deletes it: the class and its loader stay pinned after unload. Call DeleteGlobalRef on `{{holder}}` in JNI_OnUnload.',
  },
  fixable: false,
  triggers: ['NewGlobalRef', 'NewWeakGlobalRef'],
  check(context) {
    const deletions = context.shared(readDeletions);
    const scope = context.shared(readFileScope);
    const declaredTypes = (name: string) => scope.variables.get(name)?.[0]?.typeName;

    for (const call of context.root.descendantsOfType('call_expression')) {
      const jni = call ? readJniCall(call) : undefined;
      if (!jni || !createsGlobalRef(jni.name)) continue;
      const holder = holderOf(jni);
      if (holder.kind !== 'named') continue;
      const fnNode = enclosingFunction(jni.call);
      const declaration = holder.node.parent?.type === 'init_declarator' ? holder.node.parent.parent : undefined;
      const staticLocal = declaration?.type === 'declaration' && storageSpecifiersOf(declaration).includes('static');
      const local = declaration?.type === 'declaration' && !staticLocal && fnNode !== undefined;
      let names = [holder.name];
      if (fnNode && local) {
        const followed = followLocal(holder.name, fnNode);
        if (followed.handedOn) continue;
        names = [holder.name, ...followed.storedAs];
      }
      if (names.some((name) => deletions.names.has(name))) continue;
      const fn = fnNode?.type === 'function_definition' ? readFunctionDefinition(fnNode) : undefined;
      // Made once and kept for the life of the library: bounded, and usually meant.
      const once = staticLocal || isLazyCache(jni.call, holder.name);
      const inStaticStorage = staticLocal || (!local && ['identifier', 'qualified_identifier'].includes(stripCasts(holder.node).type) && scope.variables.has(holder.name));
      const classCache = isClassReference(jni, holder.name, declaredTypes) && (fn?.name === 'JNI_OnLoad' || inStaticStorage || once);
      if ((classCache || once) && !deletions.hasUnload) continue;
      context.report({
        node: jni.call,
        messageId: classCache ? 'notUnloaded' : 'neverDeleted',
        data: {
          holder: names[names.length - 1],
          call: jni.name,
          delete: jni.name === 'NewWeakGlobalRef' ? 'DeleteWeakGlobalRef' : 'DeleteGlobalRef',
        },
      });
    }
  },
});
