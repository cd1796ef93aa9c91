import type { Node } from 'web-tree-sitter';
import { calleeName } from '../../analysis/c/calls';
import { variablesDeclaredBy } from '../../analysis/c/declarations';
import { ExitPaths, type PairedStatements } from '../../analysis/c/exit-paths';
import { stripCasts, stripParentheses } from '../../analysis/c/expressions';
import { displayName, enclosingFunction, readDefinedFunctions, readFunctionDefinition, walkBody } from '../../analysis/c/functions';
import { firstUnguardedApiUse } from '../../analysis/c/gil-acquisition';
import { findEntryPoints, type EntryPoint } from '../../analysis/c/threads';
import { indentationOf } from '../../analysis/tree';
import { defineRule, type RuleContext } from '../../engine/rule';

const TAKE_AND_GIVE_BACK = 'call PyGILState_Ensure() first and PyGILState_Release() before returning.';

export default defineRule({
  id: 'cpython/thread-without-gil-state',
  languages: ['c', 'cpp'],
  severity: 'error',
  questions: [13, 3],
  description:
    'A thread routine or native-library callback calls the Python C-API before PyGILState_Ensure(), or a PyGILState_Ensure() is not released on every return path.',
  messages: {
    thread: `{{routine}} runs on a new thread (\`{{via}}\`) that does not hold the GIL, yet calls \`{{call}}\` before taking it: ${TAKE_AND_GIVE_BACK}`,
    threadHelper: `{{routine}} runs on a new thread (\`{{via}}\`) that does not hold the GIL and calls \`{{helper}}\`, which uses \`{{call}}\` before the GIL is taken: ${TAKE_AND_GIVE_BACK}`,
    callback: `{{routine}} is registered with \`{{via}}\`, so it may run on a library thread without the GIL, yet calls \`{{call}}\` before taking it: ${TAKE_AND_GIVE_BACK}`,
    callbackHelper: `{{routine}} is registered with \`{{via}}\`, so it may run on a library thread without the GIL, and calls \`{{helper}}\`, which uses \`{{call}}\` before the GIL is taken: ${TAKE_AND_GIVE_BACK}`,
    returnsHoldingGil:
      '`{{function}}` returns here without PyGILState_Release({{state}}): the GIL stays taken and the thread state is never restored. Release it before this return, or jump to the cleanup that does.',
    endsHoldingGil:
      '`{{function}}` can reach its end without PyGILState_Release({{state}}) for this PyGILState_Ensure(): release it on every path before the function returns.',
  },
  fixable: true,
  // every finding is about a Python C-API call (`Py…`/`_Py…`)
  triggers: ['Py'],
  check(context) {
    if (!/\b_?Py[A-Z_]\w*\s*\(/.test(context.source)) return;
    checkEntryPoints(context);
    checkUnreleasedEnsures(context);
  },
});

function routineName(entry: EntryPoint): string {
  return entry.routine.kind === 'function' ? `\`${displayName(entry.routine.fn)}\`` : 'The lambda';
}

/** Part 1: code that runs on a foreign thread touching the C-API before taking the GIL. */
function checkEntryPoints(context: RuleContext): void {
  const functions = context.shared(readDefinedFunctions);
  const reported = new Set<number>();
  for (const entry of findEntryPoints(context.root, functions)) {
    const routine = entry.routine.kind === 'function' ? entry.routine.fn.definition : entry.routine.node;
    if (reported.has(routine.id)) continue;
    const body = routine.childForFieldName('body');
    if (!body) continue;
    const use = firstUnguardedApiUse(body, functions, routine);
    if (!use) continue;
    reported.add(routine.id);
    const data = { routine: routineName(entry), via: entry.via, call: use.apiName, helper: use.helper ? displayName(use.helper) : '' };
    const kind = entry.kind === 'thread' ? 'thread' : 'callback';
    if (use.helperCall) context.report({ node: use.helperCall, messageId: `${kind}Helper`, data });
    else context.report({ node: use.api, messageId: kind, data });
  }
}

/** `PyGILState_Ensure()` as a whole value, through casts and parentheses. */
function isEnsureCall(node: Node | null | undefined): boolean {
  if (!node) return false;
  const value = stripCasts(node);
  return value.type === 'call_expression' && calleeName(value) === 'PyGILState_Ensure';
}

/** A statement that stores `PyGILState_Ensure()` in a local: its state variable name, if so. */
function ensureStateIn(statement: Node): string | undefined {
  if (statement.type === 'declaration') {
    const [variable, ...others] = variablesDeclaredBy(statement);
    if (!variable || others.length > 0 || variable.storage !== 'local' || !isEnsureCall(variable.initializer)) return undefined;
    return variable.name;
  }
  if (statement.type === 'expression_statement') {
    const expression = statement.namedChildren.find((child) => child?.type !== 'comment');
    if (expression?.type !== 'assignment_expression' || expression.childForFieldName('operator')?.text !== '=') return undefined;
    const left = expression.childForFieldName('left');
    if (left?.type !== 'identifier' || !isEnsureCall(expression.childForFieldName('right'))) return undefined;
    return left.text;
  }
  return undefined;
}

/** True when `call` is `PyGILState_Release(state)`. */
function isReleaseOf(call: Node, state: string): boolean {
  if (call.type !== 'call_expression' || calleeName(call) !== 'PyGILState_Release') return false;
  const [argument] = call.childForFieldName('arguments')?.namedChildren ?? [];
  return argument !== undefined && argument !== null && stripCasts(argument).text === state;
}

/**
 * True when the state variable is only ever taken from Ensure and given to Release in `body`:
 * passed elsewhere, returned or copied, its release may happen out of sight.
 */
function stateStaysLocal(body: Node, state: string): boolean {
  for (const node of walkBody(body)) {
    if (node.type !== 'identifier' || node.text !== state) continue;
    const parent = node.parent;
    if (!parent) continue;
    // Its own declaration: `PyGILState_STATE s;` or `PyGILState_STATE s = PyGILState_Ensure();`.
    if ((parent.type === 'init_declarator' || parent.type === 'declaration') && parent.childForFieldName('declarator')?.id === node.id) continue;
    if (parent.type === 'assignment_expression' && parent.childForFieldName('left')?.id === node.id) {
      if (isEnsureCall(parent.childForFieldName('right'))) continue;
      return false;
    }
    if (parent.type === 'argument_list' && parent.parent && isReleaseOf(parent.parent, state)) continue;
    // Comparisons (`state == PyGILState_LOCKED`) read it without letting it escape.
    if (parent.type === 'binary_expression' && /^[!=]=$/.test(parent.childForFieldName('operator')?.text ?? '')) continue;
    return false;
  }
  return true;
}

/** Part 2: every `PyGILState_Ensure()` kept in a local must be released on each way out. */
function checkUnreleasedEnsures(context: RuleContext): void {
  for (const call of context.root.descendantsOfType('call_expression')) {
    if (!call || calleeName(call) !== 'PyGILState_Ensure') continue;
    let statement: Node | null = call.parent;
    while (statement && !['declaration', 'expression_statement', 'compound_statement'].includes(statement.type)) {
      statement = statement.parent;
    }
    const state = statement ? ensureStateIn(statement) : undefined;
    if (!statement || !state || statement.parent?.type !== 'compound_statement') continue;
    const fn = enclosingFunction(statement);
    const body = fn?.childForFieldName('body');
    if (!fn || !body || body.type !== 'compound_statement' || !stateStaysLocal(body, state)) continue;
    const name = fn.type === 'function_definition' ? readFunctionDefinition(fn) : undefined;
    const functionName = name ? displayName(name) : 'this lambda';
    const pair: PairedStatements = {
      isOpen: (node) => ensureStateIn(node) === state,
      isClose: (node) => {
        if (node.type !== 'expression_statement') return false;
        const expression = node.namedChildren.find((child) => child?.type !== 'comment');
        return expression !== undefined && expression !== null && isReleaseOf(stripCasts(expression), state);
      },
      mentionsClose: (node) => node.descendantsOfType('call_expression').some((inner) => inner !== null && isReleaseOf(inner, state)),
    };
    const paths = new ExitPaths(body, pair);
    for (const exit of paths.returnsAfter(statement)) {
      if (pair.mentionsClose(exit) || paths.stateBefore(exit) !== 'open') continue;
      context.report({
        node: exit,
        messageId: 'returnsHoldingGil',
        data: { function: functionName, state },
        fix: releaseBefore(exit, state, context.source),
      });
    }
    if (paths.stateAtEnd() === 'open') {
      context.report({ node: call, messageId: 'endsHoldingGil', data: { function: functionName, state } });
    }
  }
}

/**
 * `PyGILState_Release(state);` on its own line before a `return` that stands in a block and
 * returns nothing, a constant or a plain name: moving the release earlier changes no evaluation.
 */
function releaseBefore(exit: Node, state: string, source: string) {
  const parent = exit.parent;
  if (parent?.type !== 'compound_statement' && parent?.type !== 'case_statement') return undefined;
  const value = exit.namedChildren.find((child) => child?.type !== 'comment');
  const plain = !value || ['identifier', 'number_literal', 'null', 'true', 'false', 'string_literal', 'char_literal'].includes(stripParentheses(value).type);
  if (!plain) return undefined;
  const indentation = indentationOf(exit, source);
  if (source.slice(source.lastIndexOf('\n', exit.startIndex - 1) + 1, exit.startIndex).trim() !== '') return undefined;
  return {
    title: `Release the GIL state (PyGILState_Release(${state})) before returning`,
    edits: [
      {
        range: { start: { line: exit.startPosition.row, column: 0 }, end: { line: exit.startPosition.row, column: 0 } },
        newText: `${indentation}PyGILState_Release(${state});\n`,
      },
    ],
    safe: false,
  };
}
