import type { Node } from 'web-tree-sitter';
import {
  describeStorage,
  isPointerTo,
  outlivesCalls,
  variablesDeclaredBy,
  type DeclaredVariable,
  type Storage,
} from '../../analysis/c/declarations';
import { isNullPointerConstant, stripParentheses } from '../../analysis/c/expressions';
import { enclosingFunction, parametersOf } from '../../analysis/c/functions';
import {
  localReferenceSource,
  readNativeMethodNames,
  type LocalReferenceSource,
} from '../../analysis/c/jni-reference-sources';
import { membersOf, readFileScope, resolveVariable, type FileScope } from '../../analysis/c/scope';
import { nodeRange } from '../../analysis/tree';
import { defineRule, type Fix } from '../../engine/rule';

/** Storage that keeps a value after the native method returns: statics, globals, and per-thread globals. */
function keepsAfterReturn(storage: Storage): boolean {
  return outlivesCalls(storage) || storage === 'thread-local';
}

/** What an assignment target is: a long-lived variable itself, or a field or element reached from one. */
interface LongLivedTarget {
  /** The long-lived variable the target is or starts from. */
  variable: DeclaredVariable;
  /** The name node of that variable as written, for a field or element; undefined when the target is the variable. */
  owner: Node | undefined;
  /** The type of the slot written, when this file shows it. */
  slotType: string | undefined;
}

/** The struct or class body that a type name (`struct listener`, `Callbacks`) names in this file. */
function fieldType(ownerType: string | undefined, field: string, scope: FileScope): string | undefined {
  const name = ownerType?.replace(/^(?:struct|class|union)\s+/, '').replace(/^.*::/, '');
  if (!name) return undefined;
  for (const body of scope.classes.get(name) ?? []) {
    const member = membersOf(body).find((variable) => variable.name === field);
    if (member) return member.pointerDepth === 0 ? member.typeName : undefined;
  }
  return undefined;
}

function longLivedTarget(target: Node, scope: FileScope): LongLivedTarget | undefined {
  let node = stripParentheses(target);
  if (node.type === 'identifier' || node.type === 'qualified_identifier') {
    const variable = resolveVariable(node, scope);
    if (!variable || !keepsAfterReturn(variable.storage) || variable.shape !== 'plain') return undefined;
    return { variable, owner: undefined, slotType: variable.pointerDepth === 0 ? variable.typeName : undefined };
  }
  // `g_state.listener`, `g_current->callback`, `g_refs[i]`, `g_table.entries[i].cls`
  const path: Node[] = [];
  for (;;) {
    if (node.type === 'field_expression' || node.type === 'subscript_expression') {
      path.push(node);
      const argument = node.childForFieldName('argument');
      if (!argument) return undefined;
      node = stripParentheses(argument);
    } else if (node.type === 'pointer_expression' && node.childForFieldName('operator')?.text === '*') {
      const argument = node.childForFieldName('argument');
      if (!argument) return undefined;
      node = stripParentheses(argument);
    } else {
      break;
    }
  }
  if (path.length === 0 || (node.type !== 'identifier' && node.type !== 'qualified_identifier')) return undefined;
  const variable = resolveVariable(node, scope);
  if (!variable || !keepsAfterReturn(variable.storage)) return undefined;
  const outer = path[0];
  let slotType: string | undefined;
  if (path.length === 1 && outer.type === 'subscript_expression') slotType = variable.typeName;
  else if (path.length === 1 && outer.type === 'field_expression') {
    const field = outer.childForFieldName('field')?.text;
    slotType = field ? fieldType(variable.typeName, field, scope) : undefined;
  }
  return { variable, owner: node, slotType };
}

/** The `JNIEnv *` in reach at `node`: a parameter of the enclosing function, or a local declared before it. */
function envNameAt(node: Node): string | undefined {
  for (let fn = enclosingFunction(node); fn; fn = enclosingFunction(fn)) {
    const parameter = parametersOf(fn).find((variable) => isPointerTo(variable, 'JNIEnv'));
    if (parameter) return parameter.name;
    const local = fn
      .descendantsOfType('declaration')
      .filter((declaration): declaration is Node => declaration !== null && declaration.endIndex <= node.startIndex)
      .flatMap((declaration) => variablesDeclaredBy(declaration))
      .find((variable) => variable.storage === 'local' && isPointerTo(variable, 'JNIEnv'));
    if (local) return local.name;
  }
  return undefined;
}

function describeReference(value: Node, source: LocalReferenceSource): string {
  const written = stripParentheses(value);
  if (written.type === 'identifier') {
    return source.kind === 'parameter'
      ? `the parameter \`${written.text}\``
      : `\`${written.text}\` (from \`${source.function}\`)`;
  }
  return source.kind === 'call' ? `the \`${source.function}\` result` : `\`${written.text}\``;
}

/** `(*env)->NewGlobalRef(env, x)` in C, `env->NewGlobalRef(x)` in C++, cast to the slot's type unless it is `jobject`. */
function promoted(text: string, env: string, language: string, slotType: string | undefined): string {
  const call = language === 'c' ? `(*${env})->NewGlobalRef(${env}, ${text})` : `${env}->NewGlobalRef(${text})`;
  return slotType && slotType !== 'jobject' ? `(${slotType})${call}` : call;
}

/** True when the function writes `target` again after `store`: the local reference is replaced or cleared before it returns. */
function isOverwrittenLater(store: Node, target: Node): boolean {
  const fn = enclosingFunction(store);
  if (!fn) return false;
  const key = target.text.replace(/\s+/g, '');
  return fn.descendantsOfType('assignment_expression').some((other) => {
    if (!other || other.startIndex <= store.endIndex) return false;
    const left = other.childForFieldName('left');
    return left !== null && left.text.replace(/\s+/g, '') === key;
  });
}

export default defineRule({
  id: 'jni/local-ref-in-global',
  languages: ['c', 'cpp'],
  severity: 'error',
  questions: [17],
  description:
    'A JNI local reference (a native method argument, or the result of FindClass, NewObject, NewStringUTF, …) is stored in a global, a static variable or a field of one without NewGlobalRef.',
  messages: {
    storedInVariable:
      '`{{target}}` is a {{storage}}, but {{reference}} is a local reference that dies when the native method returns: store `{{promoted}}` instead and DeleteGlobalRef it when done.',
    storedInField:
      '`{{target}}` is reachable from `{{owner}}`, a {{storage}}, but {{reference}} is a local reference that dies when the native method returns: store `{{promoted}}` instead and DeleteGlobalRef it when done.',
  },
  fixable: true,
  triggers: [
    'Java_',
    'JNINativeMethod',
    'FindClass',
    'DefineClass',
    'GetSuperclass',
    'GetObjectClass',
    'AllocObject',
    'NewObject',
    'NewString',
    'Array(',
    'ObjectArrayElement',
    'ObjectField',
    'ObjectMethod',
    'NewLocalRef',
    'ExceptionOccurred',
    'NewDirectByteBuffer',
    'ToReflected',
    'GetModule',
  ],
  check(context) {
    const scope = context.shared(readFileScope);
    const nativeMethods = context.shared(readNativeMethodNames);

    const report = (store: Node, target: Node, value: Node, long: LongLivedTarget, source: LocalReferenceSource) => {
      const env = envNameAt(store);
      const shownValue = value.text.length <= 40 ? value.text : '…';
      const storage = describeStorage(long.variable.storage);
      const data = {
        target: stripParentheses(target).text,
        storage,
        reference: describeReference(value, source),
        promoted: promoted(shownValue, env ?? 'env', context.language, long.slotType),
        ...(long.owner ? { owner: long.owner.text } : {}),
      };
      const canCast = long.slotType !== undefined || context.language === 'c';
      const fix: Fix | undefined =
        env && canCast
          ? {
              title: 'Store a global reference (NewGlobalRef)',
              edits: [{ range: nodeRange(value), newText: promoted(value.text, env, context.language, long.slotType) }],
              safe: false,
            }
          : undefined;
      context.report({
        node: store,
        messageId: long.owner ? 'storedInField' : 'storedInVariable',
        data,
        ...(fix ? { fix } : {}),
      });
    };

    for (const assignment of context.root.descendantsOfType('assignment_expression')) {
      if (!assignment || assignment.childForFieldName('operator')?.text !== '=') continue;
      const left = assignment.childForFieldName('left');
      const right = assignment.childForFieldName('right');
      if (!left || !right || isNullPointerConstant(right)) continue;
      const source = localReferenceSource(right, scope, nativeMethods);
      if (!source) continue;
      const long = longLivedTarget(left, scope);
      if (!long || isOverwrittenLater(assignment, left)) continue;
      report(assignment, left, right, long, source);
    }

    for (const declaration of context.root.descendantsOfType('declaration')) {
      if (!declaration) continue;
      for (const variable of variablesDeclaredBy(declaration)) {
        if (!variable.initializer || !keepsAfterReturn(variable.storage) || variable.shape !== 'plain') continue;
        let value = variable.initializer;
        if (value.type === 'initializer_list' || value.type === 'argument_list') {
          const items = value.namedChildren.filter((child): child is Node => child !== null && child.type !== 'comment');
          if (items.length !== 1) continue;
          value = items[0];
        }
        const source = localReferenceSource(value, scope, nativeMethods);
        if (!source) continue;
        const long: LongLivedTarget = {
          variable,
          owner: undefined,
          slotType: variable.pointerDepth === 0 ? variable.typeName : undefined,
        };
        report(variable.declarator, variable.nameNode, value, long, source);
      }
    }
  },
});
