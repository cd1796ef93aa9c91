import type { Node } from 'web-tree-sitter';
import { calleeName } from '../../analysis/c/calls';
import { variablesDeclaredBy } from '../../analysis/c/declarations';
import { NESTED_BODIES, enclosingFunction } from '../../analysis/c/functions';
import {
  isExceptionCheck,
  isSafeWhilePending,
  mayThrow,
  readExceptionCheckingFunctions,
} from '../../analysis/c/jni-exception-checks';
import { jniEnvCallName } from '../../analysis/c/jni-function-table';
import { defineRule } from '../../engine/rule';

/** Statements that run as one straight step; anything else ends the scan. */
const STRAIGHT = new Set(['expression_statement', 'declaration']);
const CHECK_WORD = /exception|check/i;
/** Assertions that stop the program when the value they test is NULL. */
const ASSERTION = /^(?:assert|ASSERT\w*|\w+_ASSERT\w*|g_assert\w*)$/;

/** The calls a statement makes, in the order they finish, without nested lambdas or local classes. */
function callsIn(statement: Node): Node[] {
  const calls: Node[] = [];
  const pending: Node[] = [statement];
  while (pending.length > 0) {
    const node = pending.pop()!;
    if (node.type === 'call_expression') calls.push(node);
    for (const child of node.namedChildren) if (child && !NESTED_BODIES.has(child.type)) pending.push(child);
  }
  return calls.sort((a, b) => a.endIndex - b.endIndex);
}

/** True when evaluating `statement` may skip part of it (`a ? b : c`, `a && b`): not straight-line. */
function branchesInside(statement: Node): boolean {
  return statement
    .descendantsOfType(['conditional_expression', 'binary_expression'])
    .some((node) => node?.type === 'conditional_expression' || /^(?:&&|\|\|)$/.test(node?.childForFieldName('operator')?.text ?? ''));
}

/** The variable a statement stores the value of `call` in: `cls` in `jclass cls = (*env)->FindClass(…)`. */
function resultVariable(statement: Node, call: Node): string | undefined {
  if (statement.type === 'declaration') {
    return variablesDeclaredBy(statement).find(
      (variable) => variable.initializer && call.startIndex >= variable.initializer.startIndex && call.endIndex <= variable.initializer.endIndex,
    )?.name;
  }
  const expression = statement.namedChildren.find((child) => child?.type !== 'comment');
  if (expression?.type === 'assignment_expression') return expression.childForFieldName('left')?.text;
  return undefined;
}

function mentions(node: Node, name: string): boolean {
  return node.descendantsOfType(['identifier', 'field_expression', 'pointer_expression']).some((inner) => inner?.text === name);
}

/** Does any identifier in `node` name an exception or a check (`has_exception`, `checkOk`)? */
function mentionsCheckWord(node: Node): boolean {
  return node.descendantsOfType('identifier').some((inner) => inner !== null && CHECK_WORD.test(inner.text));
}

export default defineRule({
  id: 'jni/unchecked-exception',
  languages: ['c', 'cpp'],
  severity: 'warning',
  questions: [20, 34, 39],
  description:
    'A JNI call that can throw is followed by another JNI call with no ExceptionCheck (or NULL test of its result) in between, so the second call may run with an exception pending.',
  messages: {
    pending:
      '`{{second}}` runs while an exception from `{{first}}` (line {{line}}) may still be pending: check ExceptionCheck() (or test the result for NULL) after `{{first}}` and return or clear the exception before calling `{{second}}`.',
  },
  fixable: false,
  // the names of the JNIEnv functions that can throw, as they appear at a call
  triggers: ['Method(', 'MethodV(', 'MethodA(', 'MethodID', 'FieldID', 'FindClass', 'NewString', 'NewObject', 'Array(', 'ArrayElement', 'AllocObject', 'DefineClass', 'RegisterNatives', 'NewDirectByteBuffer'],
  check(context) {
    if (!/->\s*(?:Call\w*Method|NewObject|FindClass|Get\w*(?:Method|Field)ID|New\w*Array|NewString|AllocObject|DefineClass|RegisterNatives|NewDirectByteBuffer)/.test(context.source)) return;
    const checking = context.shared(readExceptionCheckingFunctions);
    const isCheck = (call: Node) => isExceptionCheck(call, checking);

    for (const block of context.root.descendantsOfType('compound_statement')) {
      if (!block || !enclosingFunction(block)) continue;
      const statements = block.namedChildren.filter((child): child is Node => child !== null && child.type !== 'comment');
      for (let index = 0; index < statements.length; index++) {
        const statement = statements[index];
        if (!STRAIGHT.has(statement.type) || branchesInside(statement)) continue;
        const calls = callsIn(statement);
        const last = calls.at(-1);
        const lastJni = last ? jniEnvCallName(last) : undefined;
        // The statement's final call must be the throwing JNI call: anything after it may check.
        if (!last || !lastJni || !mayThrow(lastJni) || calls.some(isCheck)) continue;
        const result = resultVariable(statement, last);
        const second = firstUncheckedUse(statements.slice(index + 1), result, isCheck);
        if (!second) continue;
        context.report({
          node: second.call,
          messageId: 'pending',
          data: { first: lastJni, second: second.name, line: String(last.startPosition.row + 1) },
        });
      }
    }
  },
});

/**
 * Walks the straight-line statements after a throwing call: the first JNIEnv call that is not
 * allowed with an exception pending, unless a check, a return, a branch or a helper that might
 * check comes first.
 */
function firstUncheckedUse(
  following: readonly Node[],
  result: string | undefined,
  isCheck: (call: Node) => boolean,
): { call: Node; name: string } | undefined {
  for (const statement of following) {
    let scanned: Node | null = statement;
    if (statement.type === 'if_statement') {
      // The condition runs on this path; what it tests may be the check itself.
      scanned = statement.childForFieldName('condition');
      if (!scanned || (result && mentions(scanned, result)) || mentionsCheckWord(scanned)) return undefined;
    } else if (statement.type === 'return_statement') {
      // Returning lets the exception reach Java; only a JNI call inside the return value is a problem.
    } else if (!STRAIGHT.has(statement.type) || branchesInside(statement)) {
      return undefined;
    }
    for (const call of callsIn(scanned)) {
      if (isCheck(call)) return undefined;
      if (result && ASSERTION.test(calleeName(call) ?? '') && mentions(call, result)) return undefined;
      const name = jniEnvCallName(call);
      if (name) {
        if (isSafeWhilePending(name)) continue;
        return { call, name };
      }
      // A helper that is handed the env may check (or clear) the exception itself.
      const args = call.childForFieldName('arguments');
      if (args && /\b\w*env\w*\b/i.test(args.text)) return undefined;
      if (calleeName(call) === undefined) return undefined;
    }
    if (statement.type === 'return_statement' || statement.type === 'if_statement') return undefined;
  }
  return undefined;
}
