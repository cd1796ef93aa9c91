import type { Node } from 'web-tree-sitter';
import { variablesDeclaredBy, type DeclaredVariable } from '../../analysis/c/declarations';
import { stripParentheses } from '../../analysis/c/expressions';
import { isErrorReportingCall, isInTeardown, isTeardownCall, plainCalleeName, returnsNapiStatus } from '../../analysis/c/napi-callbacks';
import { readFileScope, resolveVariable, type FileScope } from '../../analysis/c/scope';
import { defineRule } from '../../engine/rule';

/** `napi_…` names this file declares or defines itself with another return type than `napi_status`. */
function ownNonStatusFunctions(root: Node): Set<string> {
  const names = new Set<string>();
  for (const declarator of root.descendantsOfType('function_declarator')) {
    const name = declarator?.childForFieldName('declarator');
    if (!declarator || name?.type !== 'identifier' || !returnsNapiStatus(name.text)) continue;
    let holder = declarator.parent;
    while (holder?.type === 'pointer_declarator') holder = holder.parent;
    const type = holder?.childForFieldName('type')?.text;
    if (type !== undefined && type !== 'napi_status') names.add(name.text);
  }
  return names;
}

/** The N-API function a call names, when it returns a napi_status and is not the file's own. */
function statusCall(node: Node, own: ReadonlySet<string>, scope: FileScope): string | undefined {
  const call = stripParentheses(node);
  if (call.type !== 'call_expression') return undefined;
  const name = plainCalleeName(call);
  if (!name || !returnsNapiStatus(name) || own.has(name)) return undefined;
  if (isErrorReportingCall(name)) return undefined;
  const callee = call.childForFieldName('function');
  // A local or global function pointer of that name is the file's own.
  if (callee?.type === 'identifier' && resolveVariable(callee, scope)?.shape === 'plain') return undefined;
  return name;
}

/** The next statement after `statement` in its block, skipping comments. */
function nextStatement(statement: Node): Node | undefined {
  let next = statement.nextNamedSibling;
  while (next?.type === 'comment') next = next.nextNamedSibling;
  return next ?? undefined;
}

/** `status = <value>;`: the assigned local's name node and the value, for a plain `=` statement. */
function assignmentStatement(statement: Node | undefined): { target: Node; value: Node } | undefined {
  if (statement?.type !== 'expression_statement') return undefined;
  const assignment = statement.namedChildren[0];
  if (assignment?.type !== 'assignment_expression' || assignment.childForFieldName('operator')?.text !== '=') return undefined;
  const target = assignment.childForFieldName('left');
  const value = assignment.childForFieldName('right');
  if (target?.type !== 'identifier' || !value) return undefined;
  return { target, value };
}

function mentions(node: Node, name: string): boolean {
  return node.descendantsOfType('identifier').some((identifier) => identifier?.text === name);
}

export default defineRule({
  id: 'napi/unchecked-status',
  languages: ['c', 'cpp'],
  severity: 'warning',
  questions: [9],
  description:
    'The napi_status an N-API call returns is dropped (the call is a statement of its own, or its status variable is overwritten unread), so a failure goes on with unset results and a pending JavaScript exception.',
  messages: {
    ignored:
      '`{{call}}` returns a napi_status that is ignored here, so a failure goes unnoticed and the code carries on with unset results or a pending JavaScript exception: check it (`if (status != napi_ok)` or a NODE_API_CALL-style macro) and return or throw.',
    overwritten:
      '`{{variable}}` receives the napi_status of `{{call}}` but the next statement overwrites it unread: check it before the next N-API call.',
  },
  fixable: false,
  triggers: ['napi_'],
  check(context) {
    const own = ownNonStatusFunctions(context.root);
    const scope = context.shared(readFileScope);
    for (const statement of context.root.descendantsOfType('expression_statement')) {
      if (!statement) continue;
      const expression = statement.namedChildren[0];
      if (!expression) continue;
      const call = statusCall(expression, own, scope);
      if (call) {
        if (isTeardownCall(call) && isInTeardown(statement)) continue;
        context.report({ node: stripParentheses(expression), messageId: 'ignored', data: { call } });
        continue;
      }
      const stored = assignmentStatement(statement);
      const variable = stored ? resolveVariable(stored.target, scope) : undefined;
      if (stored && variable) reportOverwrite(statement, stored.target, stored.value, variable);
    }
    // `napi_status status = napi_…(…);` followed by `status = …;`.
    for (const declaration of context.root.descendantsOfType('declaration')) {
      const variables = declaration ? variablesDeclaredBy(declaration) : [];
      const [variable] = variables;
      if (!declaration || variables.length !== 1 || !variable?.initializer) continue;
      reportOverwrite(declaration, variable.nameNode, variable.initializer, variable);
    }

    function reportOverwrite(statement: Node, target: Node, value: Node, variable: DeclaredVariable): void {
      const call = statusCall(value, own, scope);
      if (!call || variable.storage !== 'local' || variable.shape !== 'plain') return;
      const next = assignmentStatement(nextStatement(statement));
      if (!next || next.target.text !== target.text || mentions(next.value, target.text)) return;
      if (resolveVariable(next.target, scope)?.nameNode.id !== variable.nameNode.id) return;
      context.report({ node: target, messageId: 'overwritten', data: { variable: target.text, call } });
    }
  },
});
