import type { Node } from 'web-tree-sitter';
import { callArguments, qualifiedName, shortText } from '../../analysis/go/expressions';
import { callTakingArgument, calleeName, enclosingFunction, importName, liftThroughConversions } from '../../analysis/go/ownership';
import { GO_FUNCTIONS } from '../../analysis/go/local-bindings';
import { closestAncestor, isWithin } from '../../analysis/tree';
import { defineRule } from '../../engine/rule';
import { calledCFunction } from '../../analysis/go/cgo';

/** C integer and pointer types a handle is converted to on its way to C: `C.uintptr_t(h)`. */
const HANDLE_CARRIERS = new Set([
  'uintptr_t', 'intptr_t', 'size_t', 'uint64_t', 'int64_t', 'long', 'ulong', 'longlong', 'ulonglong',
  'gpointer', 'gconstpointer', 'guintptr', 'gintptr', 'gsize', 'guint64', 'gint64',
]);

/** What the file's `.Delete()` calls say about handle deletion. */
interface Deletions {
  /** `cgo.Handle(x).Delete()` somewhere: handles passed to C are deleted in a callback. */
  elsewhere: boolean;
  /** Names that receive `.Delete()`: `h.Delete()`, `w.handle.Delete()` → `h`, `handle`. */
  names: Set<string>;
}

/** The file's handle deletions, computed once per file (through `context.shared`). */
export function handleDeletions(root: Node): Deletions {
  const result: Deletions = { elsewhere: false, names: new Set() };
  const cgoName = importName(root, 'runtime/cgo');
  if (!cgoName) return result;
  for (const call of root.descendantsOfType('call_expression')) {
    const callee = call.childForFieldName('function');
    if (callee?.type !== 'selector_expression' || callee.childForFieldName('field')?.text !== 'Delete' || callArguments(call).length !== 0) continue;
    const receiver = callee.childForFieldName('operand');
    if (!receiver) continue;
    if (receiver.type === 'call_expression' || receiver.type === 'type_conversion_expression') {
      const converted = receiver.childForFieldName('function') ?? receiver.childForFieldName('type');
      const qualified = qualifiedName(converted);
      if (qualified?.package === cgoName && qualified.name === 'Handle') result.elsewhere = true;
      else if (converted?.type === 'qualified_type' && converted.text === `${cgoName}.Handle`) result.elsewhere = true;
    } else if (receiver.type === 'identifier') {
      result.names.add(receiver.text);
    } else if (receiver.type === 'selector_expression') {
      const field = receiver.childForFieldName('field');
      if (field) result.names.add(field.text);
    }
  }
  return result;
}

export default defineRule({
  id: 'cgo/handle-not-deleted',
  languages: ['go'],
  severity: 'warning',
  questions: [21],
  description: 'A runtime/cgo.Handle is created but never deleted, returned or stored, so the value it refers to can never be collected.',
  messages: {
    notDeleted:
      'Handle `{{handle}}` for `{{value}}` is never deleted: call {{handle}}.Delete() once C can no longer use it (often in the exported callback that releases it), or the value stays alive forever.',
  },
  fixable: false,
  triggers: ['NewHandle'],
  check(context) {
    const cgoName = importName(context.root, 'runtime/cgo');
    if (!cgoName) return;
    const deletions = context.shared(handleDeletions);
    if (deletions.elsewhere) return;
    for (const call of context.root.descendantsOfType('call_expression')) {
      const qualified = qualifiedName(call.childForFieldName('function'));
      if (qualified?.package !== cgoName || qualified.name !== 'NewHandle') continue;
      const [argument] = callArguments(call);
      const handle = boundName(call);
      if (!handle || deletions.names.has(handle)) continue;
      const fn = enclosingFunction(call);
      const body = fn?.childForFieldName('body');
      if (!fn || !body) continue;
      if (!isLocal(fn, call, handle)) continue;
      const statement = call.parent?.parent;
      const escapes = body
        .descendantsOfType('identifier')
        .filter((use) => use.text === handle && (!statement || !isWithin(use, statement)))
        .some((use) => escapes_(use, fn));
      if (escapes) continue;
      context.report({ node: call, messageId: 'notDeleted', data: { handle, value: argument ? shortText(argument) : 'the value' } });
    }
  },
});

/** `h := cgo.NewHandle(v)` or `h = cgo.NewHandle(v)`: `h`. */
function boundName(call: Node): string | undefined {
  const list = call.parent;
  const statement = list?.parent;
  if (list?.type !== 'expression_list' || !statement) return undefined;
  if (statement.type !== 'short_var_declaration' && statement.type !== 'assignment_statement') return undefined;
  if (statement.childForFieldName('right')?.id !== list.id) return undefined;
  const left = statement.childForFieldName('left')?.namedChildren ?? [];
  const index = list.namedChildren.findIndex((child) => child.id === call.id);
  const target = left.length === list.namedChildCount ? left[index] : undefined;
  return target?.type === 'identifier' && target.text !== '_' ? target.text : undefined;
}

/** The name is declared by a `:=` in the same function (not a package-level variable). */
function isLocal(fn: Node, call: Node, name: string): boolean {
  const statement = call.parent?.parent;
  if (statement?.type === 'short_var_declaration') return true;
  return fn.descendantsOfType(['short_var_declaration', 'var_spec']).some((node) => {
    if (closestAncestor(node, GO_FUNCTIONS)?.id !== fn.id) return false;
    const names = node.type === 'short_var_declaration' ? (node.childForFieldName('left')?.namedChildren ?? []) : node.childrenForFieldName('name');
    return names.some((n) => n.text === name);
  });
}

/** Whether this mention of the handle hands it to code that may delete it later. */
function escapes_(use: Node, fn: Node): boolean {
  const owner = closestAncestor(use, GO_FUNCTIONS);
  if (owner && owner.id !== fn.id) return true; // a closure keeps it
  let value = liftThroughConversions(use);
  // C.uintptr_t(h), C.gpointer(C.uintptr_t(h)): a C conversion of the handle, followed outwards.
  for (let call = callTakingArgument(value); call && HANDLE_CARRIERS.has(calledCFunction(call) ?? ''); call = callTakingArgument(value)) {
    value = liftThroughConversions(call);
  }
  const call = callTakingArgument(value);
  if (call) {
    // Passed to C for the duration of a call, or to a Go function that may keep or delete it.
    return calledCFunction(call) === undefined && calleeName(call) !== 'len';
  }
  const parent = value.parent;
  if (!parent) return false;
  if (parent.type === 'return_statement' || parent.type === 'literal_element' || parent.type === 'keyed_element' || parent.type === 'send_statement') return true;
  if (parent.type === 'expression_list') {
    const statement = parent.parent;
    if (statement?.type === 'return_statement') return true;
    if (statement?.type === 'assignment_statement' || statement?.type === 'short_var_declaration' || statement?.type === 'var_spec') {
      return statement.childForFieldName(statement.type === 'var_spec' ? 'value' : 'right')?.id === parent.id;
    }
  }
  if (parent.type === 'index_expression' && parent.childForFieldName('index')?.id === value.id) {
    // m[h] = v: kept as a key in a Go map.
    return parent.parent?.type === 'expression_list' && parent.parent.parent?.type === 'assignment_statement';
  }
  return false;
}
