import type { Node } from 'web-tree-sitter';
import { callReceiving, calleeName } from '../../analysis/c/calls';
import {
  describeStorage,
  isPointerTo,
  outlivesCalls,
  variablesDeclaredBy,
  type DeclaredVariable,
} from '../../analysis/c/declarations';
import {
  isAddressOf,
  isNullPointerConstant,
  memberAccessBase,
  stripCasts,
  stripParentheses,
} from '../../analysis/c/expressions';
import { readFileScope, resolveVariable, type FileScope } from '../../analysis/c/scope';
import { defineRule } from '../../engine/rule';

/** Calls that take an address to clear, copy, compare or print what is there, not to store an env in it. */
const NOT_A_STORE = /^(?:mem(?:set|cpy|move|cmp)|bzero|explicit_bzero|\w*ZeroMemory|\w*printf|assert)$/;
/** JNI invocation functions whose out-parameter receives a JNIEnv*. */
const ENV_PRODUCERS = new Set(['GetEnv', 'AttachCurrentThread', 'AttachCurrentThreadAsDaemon']);

function isJniEnv(variable: DeclaredVariable | undefined): variable is DeclaredVariable {
  return variable !== undefined && isPointerTo(variable, 'JNIEnv');
}

/** The static-storage `JNIEnv *` variable that `target` names, if it names one. */
function cachedEnvVariable(target: Node, scope: FileScope): DeclaredVariable | undefined {
  const node = stripParentheses(target);
  if (node.type !== 'identifier' && node.type !== 'qualified_identifier') return undefined;
  const variable = resolveVariable(node, scope);
  return isJniEnv(variable) && outlivesCalls(variable.storage) ? variable : undefined;
}

/** For a member access like `g_state.jni.env`, the static-storage variable (`g_state`) it starts from. */
function staticOwner(target: Node, scope: FileScope): { owner: Node; variable: DeclaredVariable } | undefined {
  const node = stripParentheses(target);
  if (node.type !== 'field_expression') return undefined;
  const owner = memberAccessBase(node);
  if (owner.type !== 'identifier' && owner.type !== 'qualified_identifier') return undefined;
  const variable = resolveVariable(owner, scope);
  return variable && outlivesCalls(variable.storage) ? { owner, variable } : undefined;
}

/** True when `value` is the current call's env: a `JNIEnv *` parameter or local. */
function isCallEnv(value: Node, scope: FileScope): boolean {
  const node = stripCasts(value);
  if (node.type !== 'identifier') return false;
  const variable = resolveVariable(node, scope);
  return isJniEnv(variable) && (variable.storage === 'parameter' || variable.storage === 'local');
}

export default defineRule({
  id: 'jni/cached-env',
  languages: ['c', 'cpp'],
  severity: 'error',
  questions: [16, 37],
  description:
    'A JNIEnv* is stored in a global, a static variable or a field of one, where it outlives the native call and thread it belongs to.',
  messages: {
    storedInVariable:
      '`{{variable}}` is a {{storage}}: the JNIEnv* stored here is only valid on the thread and call that received it. Cache the JavaVM* (GetJavaVM / JNI_OnLoad) and get a per-thread env with GetEnv or AttachCurrentThread.',
    storedInField:
      '`{{target}}` is reachable from `{{owner}}`, a {{storage}}: the JNIEnv* stored there is only valid on the thread and call that received it. Cache the JavaVM* (GetJavaVM / JNI_OnLoad) and get a per-thread env with GetEnv or AttachCurrentThread.',
  },
  fixable: false,
  triggers: ['JNIEnv'],
  check(context) {
    const scope = context.shared(readFileScope);
    const reportVariable = (node: Node, target: Node, variable: DeclaredVariable) =>
      context.report({
        node,
        messageId: 'storedInVariable',
        data: { variable: stripParentheses(target).text, storage: describeStorage(variable.storage) },
      });
    const reportField = (node: Node, target: Node, owner: { owner: Node; variable: DeclaredVariable }) =>
      context.report({
        node,
        messageId: 'storedInField',
        data: {
          target: stripParentheses(target).text,
          owner: owner.owner.text,
          storage: describeStorage(owner.variable.storage),
        },
      });

    for (const assignment of context.root.descendantsOfType('assignment_expression')) {
      if (!assignment || assignment.childForFieldName('operator')?.text !== '=') continue;
      const left = assignment.childForFieldName('left');
      const right = assignment.childForFieldName('right');
      if (!left || !right || isNullPointerConstant(right)) continue;
      const variable = cachedEnvVariable(left, scope);
      if (variable) {
        reportVariable(assignment, left, variable);
        continue;
      }
      const owner = isCallEnv(right, scope) ? staticOwner(left, scope) : undefined;
      if (owner) reportField(assignment, left, owner);
    }

    for (const declaration of context.root.descendantsOfType('declaration')) {
      if (!declaration) continue;
      for (const variable of variablesDeclaredBy(declaration)) {
        const value = variable.initializer;
        if (!value || !isJniEnv(variable) || !outlivesCalls(variable.storage)) continue;
        if (value.type === 'initializer_list' || value.type === 'argument_list') {
          const [only] = value.namedChildren;
          if (value.namedChildCount !== 1 || !only || isNullPointerConstant(only)) continue;
        } else if (isNullPointerConstant(value)) {
          continue;
        }
        context.report({
          node: variable.declarator,
          messageId: 'storedInVariable',
          data: { variable: variable.name, storage: describeStorage(variable.storage) },
        });
      }
    }

    for (const address of context.root.descendantsOfType('pointer_expression')) {
      if (!address || !isAddressOf(address)) continue;
      const target = address.childForFieldName('argument');
      const call = callReceiving(address);
      if (!target || !call) continue;
      const callee = calleeName(call);
      if (callee && NOT_A_STORE.test(callee)) continue;
      const variable = cachedEnvVariable(target, scope);
      if (variable) {
        reportVariable(address, target, variable);
        continue;
      }
      const owner = callee && ENV_PRODUCERS.has(callee) ? staticOwner(target, scope) : undefined;
      if (owner) reportField(address, target, owner);
    }
  },
});
