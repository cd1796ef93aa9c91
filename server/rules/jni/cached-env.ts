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
import { findThreadStarts, type ThreadStart } from '../../analysis/c/thread-arguments';
import { enclosingFunction } from '../../analysis/c/functions';
import { isWithin } from '../../analysis/tree';
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

/** The `JNIEnv *` parameter or local a name refers to; also for `env` in `std::thread t(worker, env);`, a type name there. */
function callEnvNamed(value: Node, scope: FileScope): DeclaredVariable | undefined {
  const node = stripCasts(value);
  let variable: DeclaredVariable | undefined;
  if (node.type === 'identifier') variable = resolveVariable(node, scope);
  else if (node.type === 'type_identifier') variable = resolveLocalName(node);
  return isJniEnv(variable) && (variable.storage === 'parameter' || variable.storage === 'local') ? variable : undefined;
}

/** The parameter or block local that a bare name inside a function body means (for names the grammar reads as types). */
function resolveLocalName(name: Node): DeclaredVariable | undefined {
  for (let ancestor = name.parent; ancestor; ancestor = ancestor.parent) {
    if (ancestor.type === 'compound_statement') {
      const local = ancestor.namedChildren
        .filter((child): child is Node => child?.type === 'declaration' && child.endIndex <= name.startIndex)
        .flatMap((child) => variablesDeclaredBy(child))
        .filter((variable) => variable.name === name.text)
        .at(-1);
      if (local) return local;
    }
    if (ancestor.type === 'function_definition' || ancestor.type === 'lambda_expression') {
      const list = ancestor.descendantsOfType('parameter_list')[0];
      const parameters = (list?.namedChildren ?? []).flatMap((child) =>
        child?.type === 'parameter_declaration' ? variablesDeclaredBy(child) : [],
      );
      return parameters.find((variable) => variable.name === name.text);
    }
  }
  return undefined;
}

/** The lambda a thread runs: written in place, or held by a local initialised with one. */
function lambdaRun(routine: Node | undefined, scope: FileScope): Node | undefined {
  if (!routine) return undefined;
  const node = stripCasts(routine);
  if (node.type === 'lambda_expression') return node;
  const variable = node.type === 'identifier' ? resolveVariable(node, scope) : node.type === 'type_identifier' ? resolveLocalName(node) : undefined;
  if (variable?.storage !== 'local' || !variable.initializer) return undefined;
  const value = stripCasts(variable.initializer);
  return value.type === 'lambda_expression' ? value : undefined;
}

/** The first use, in a lambda's body, of a `JNIEnv *` parameter or local of the code around it. */
function capturedEnv(lambda: Node, scope: FileScope): { use: Node; variable: DeclaredVariable } | undefined {
  const body = lambda.childForFieldName('body');
  if (!body) return undefined;
  for (const use of body.descendantsOfType('identifier')) {
    if (!use) continue;
    const variable = callEnvNamed(use, scope);
    if (variable && !isWithin(variable.declaration, lambda)) return { use, variable };
  }
  return undefined;
}

/**
 * For a thread argument naming a local struct or struct pointer (`ctx`, `&ctx`), how it holds the
 * current call's env when the thread starts: `ctx->env = env;` as the last store to that field
 * before the start, or `struct ctx c = {env, ...}`.
 */
function envCarriedBy(passed: Node, start: ThreadStart, scope: FileScope): string | undefined {
  let node = stripCasts(passed);
  if (isAddressOf(node)) {
    const inner = node.childForFieldName('argument');
    if (!inner) return undefined;
    node = stripCasts(inner);
  }
  if (node.type !== 'identifier') return undefined;
  const carrier = resolveVariable(node, scope);
  if (!carrier || (carrier.storage !== 'local' && carrier.storage !== 'parameter') || isPointerTo(carrier, 'JNIEnv')) return undefined;
  const initial = carrier.initializer;
  if (initial?.type === 'initializer_list') {
    for (const item of initial.namedChildren) {
      const value = item?.type === 'initializer_pair' ? item.childForFieldName('value') : item;
      if (value && callEnvNamed(value, scope)) {
        return `initialised with \`${item?.text ?? value.text}\``;
      }
    }
  }
  const fn = enclosingFunction(start.site);
  if (!fn) return undefined;
  const last = new Map<string, Node | undefined>();
  for (const assignment of fn.descendantsOfType('assignment_expression')) {
    if (!assignment || assignment.startIndex >= start.site.startIndex) continue;
    const left = assignment.childForFieldName('left');
    const right = assignment.childForFieldName('right');
    if (!left || !right || stripParentheses(left).type !== 'field_expression') continue;
    const base = memberAccessBase(left);
    if (base.type !== 'identifier' || base.text !== carrier.name) continue;
    if (resolveVariable(base, scope)?.nameNode.id !== carrier.nameNode.id) continue;
    last.set(left.text.replace(/\s+/g, ''), callEnvNamed(right, scope) ? assignment : undefined);
  }
  for (const store of last.values()) if (store) return `set by \`${store.text}\``;
  return undefined;
}

export default defineRule({
  id: 'jni/cached-env',
  languages: ['c', 'cpp'],
  severity: 'error',
  questions: [16, 37],
  description:
    'A JNIEnv* is stored in a global, a static variable or a field of one, or handed to a new thread (thread argument, struct field, lambda capture), where it outlives the native call and thread it belongs to.',
  messages: {
    storedInVariable:
      '`{{variable}}` is a {{storage}}: the JNIEnv* stored here is only valid on the thread and call that received it. Cache the JavaVM* (GetJavaVM / JNI_OnLoad) and get a per-thread env with GetEnv or AttachCurrentThread.',
    storedInField:
      '`{{target}}` is reachable from `{{owner}}`, a {{storage}}: the JNIEnv* stored there is only valid on the thread and call that received it. Cache the JavaVM* (GetJavaVM / JNI_OnLoad) and get a per-thread env with GetEnv or AttachCurrentThread.',
    passedToThread:
      '`{{variable}}` (a JNIEnv*) is handed to the thread started by {{via}}, where it is not valid: pass the JavaVM* instead and have the thread call AttachCurrentThread (and DetachCurrentThread before it ends).',
    carriedToThread:
      '`{{carrier}}` carries the JNIEnv* of this call ({{how}}) to the thread started by {{via}}, where it is not valid: pass the JavaVM* instead and have the thread call AttachCurrentThread (and DetachCurrentThread before it ends).',
    capturedByThread:
      'This lambda runs on the thread started by {{via}} and uses `{{variable}}`, the JNIEnv* of the calling thread: capture the JavaVM* instead and have the thread call AttachCurrentThread (and DetachCurrentThread before it ends).',
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

    const reportedLambdas = new Set<number>();
    for (const start of findThreadStarts(context.root)) {
      for (const passed of start.passed) {
        const variable = callEnvNamed(passed, scope);
        if (variable) {
          context.report({ node: passed, messageId: 'passedToThread', data: { variable: variable.name, via: start.via } });
          continue;
        }
        const how = envCarriedBy(passed, start, scope);
        if (how) {
          context.report({
            node: passed,
            messageId: 'carriedToThread',
            data: { carrier: stripCasts(passed).text, how, via: start.via },
          });
        }
      }
      const lambda = lambdaRun(start.routine, scope);
      if (!lambda || reportedLambdas.has(lambda.id)) continue;
      const captured = capturedEnv(lambda, scope);
      if (!captured) continue;
      reportedLambdas.add(lambda.id);
      context.report({
        node: lambda.childForFieldName('captures') ?? lambda,
        messageId: 'capturedByThread',
        data: { variable: captured.variable.name, via: start.via },
      });
    }
  },
});
