import type { Node } from 'web-tree-sitter';
import { resolveFunction } from '../../analysis/python/callables';
import { callbackRetention } from '../../analysis/python/callback-retention';
import { readCtypesBindings, type CtypesBindings, type ForeignFunction } from '../../analysis/python/ctypes-bindings';
import { readCtypesCallbacks, type CtypesCallback, type CtypesCallbacks } from '../../analysis/python/ctypes-callbacks';
import { localDiesWithCall, statementsAfter, suspends } from '../../analysis/python/local-lifetime';
import { enclosingScope, moduleStatementOf, parameterNames } from '../../analysis/python/scopes';
import { nodeRange } from '../../analysis/tree';
import { defineRule, type Fix, type RuleContext } from '../../engine/rule';

/** Names of values that hold a C address rather than a Python callable. */
const ADDRESS_NAME = /(?:^|_)(?:addr|address|ptr|pointer|fnptr|funcptr|handle|value|symbol)s?$/i;
/** Calls that may follow a registration without keeping the function running: logging and printing. */
const LOGGING_CALL = /^(?:print|(?:\w+\.)*(?:_*log|_*logger|logging|LOG|LOGGER)\.\w+)$/;

/** True when the wrapped value is a Python callable (not a C address being typed as a function). */
function wrapsPythonCallable(target: Node): boolean {
  if (resolveFunction(target)) return true;
  if (target.type === 'call') return /^(?:functools\.)?partial$/.test(target.childForFieldName('function')?.text ?? '');
  if (target.type === 'identifier') {
    const scope = enclosingScope(target);
    return scope.type === 'function_definition' && parameterNames(scope).includes(target.text) && !ADDRESS_NAME.test(target.text);
  }
  if (target.type === 'attribute') return !ADDRESS_NAME.test(target.childForFieldName('attribute')?.text ?? '');
  return false;
}

/** The arguments of a call, keyword values included, with parentheses and conditionals opened. */
function argumentValues(call: Node): Node[] {
  const values: Node[] = [];
  const pending = [...(call.childForFieldName('arguments')?.namedChildren ?? [])];
  while (pending.length > 0) {
    const node = pending.shift()!;
    if (node.type === 'keyword_argument') {
      const value = node.childForFieldName('value');
      if (value) pending.push(value);
    } else if (node.type === 'parenthesized_expression') {
      pending.push(...node.namedChildren);
    } else if (node.type === 'conditional_expression') {
      pending.push(...node.namedChildren.filter((_, index) => index !== 1));
    } else if (node.type !== 'comment') {
      values.push(node);
    }
  }
  return values;
}

function retainingFunction(call: Node, bindings: CtypesBindings): ForeignFunction | undefined {
  const fn = bindings.resolve(call.childForFieldName('function')!);
  return fn && callbackRetention(fn.name) === 'retains' ? fn : undefined;
}

/** How the report names the called function: as written (`lib.set_log_handler`, `_set_handler`). */
function calledAs(call: Node): string {
  return call.childForFieldName('function')?.text ?? '';
}

export default defineRule({
  id: 'ctypes/temporary-callback',
  languages: ['python'],
  severity: 'error',
  questions: [3, 5],
  description:
    'A ctypes callback object is passed to a C function that keeps it, but nothing on the Python side holds a reference, so C later calls freed memory.',
  messages: {
    temporary:
      '`{{callback}}` is a temporary passed to `{{function}}`, which keeps the pointer to call later; Python frees the callback when the statement ends, so C jumps into freed memory. Keep a reference (module name or attribute) for as long as C may call it.',
    local:
      '`{{variable}}` is the only reference to the callback that `{{function}}` keeps, and it dies when `{{scope}}()` returns. Store it where it outlives C\'s use (an attribute or module name) and drop it only after unregistering.',
  },
  fixable: true,
  triggers: ['FUNCTYPE'],
  check(context) {
    const bindings = context.shared(readCtypesBindings);
    if (bindings.handles.size === 0) return;
    const callbacks = readCtypesCallbacks(context.root, bindings.names);
    if (callbacks.callbacks.length === 0) return;
    const temporaries: { argument: Node; call: Node; callback: CtypesCallback }[] = [];
    for (const fn of bindings.functions.values()) {
      if (callbackRetention(fn.name) !== 'retains') continue;
      for (const call of fn.calls) {
        for (const argument of argumentValues(call)) {
          const callback = callbacks.callbackAt(argument);
          if (callback && wrapsPythonCallable(callback.target)) {
            temporaries.push({ argument, call, callback });
          } else if (argument.type === 'identifier' && diesWithCall(argument, bindings, callbacks)) {
            const scope = enclosingScope(argument);
            context.report({
              node: argument,
              messageId: 'local',
              data: { variable: argument.text, function: calledAs(call), scope: scope.childForFieldName('name')?.text ?? '' },
            });
          }
        }
      }
    }
    for (const { argument, call, callback } of temporaries) {
      // Every temporary wrapping the same function the same way shares one hoisted name.
      const siblings = temporaries.filter((other) => other.argument.text === argument.text).map((other) => other.callback);
      const fix = hoistFix(callback, siblings, context);
      context.report({
        node: argument,
        messageId: 'temporary',
        data: { callback: argument.text, function: calledAs(call) },
        ...(fix ? { fix } : {}),
      });
    }
  },
});

/**
 * True when `argument` names a callback bound in the same function (`cb = CALLBACK(f)` or a
 * `@CALLBACK` local `def`), used nowhere but as an argument of foreign calls, and the function
 * returns soon after: nothing later keeps it running (a loop, a blocking call, a `with` block).
 */
function diesWithCall(argument: Node, bindings: CtypesBindings, callbacks: CtypesCallbacks): boolean {
  const fn = enclosingScope(argument);
  if (fn.type !== 'function_definition' || suspends(fn)) return false;
  const name = argument.text;
  let bound = false;
  const isOwnBinding = (identifier: Node): boolean => {
    const parent = identifier.parent;
    if (parent?.type === 'assignment' && parent.childForFieldName('left')?.id === identifier.id) {
      const made = callbacks.callbackAt(parent.childForFieldName('right'));
      if (!made || !wrapsPythonCallable(made.target) || parent.parent?.type !== 'expression_statement') return false;
      bound = true;
      return true;
    }
    if (parent?.type === 'function_definition' && parent.childForFieldName('name')?.id === identifier.id) {
      const decorated = callbacks.callbacks.some((callback) => callback.form === 'decorator' && callback.target.id === parent.id);
      bound ||= decorated;
      return decorated;
    }
    return false;
  };
  const isHarmlessUse = (identifier: Node): boolean => {
    if (enclosingScope(identifier).id !== fn.id) return false;
    const call = identifier.parent?.type === 'argument_list' ? identifier.parent.parent : undefined;
    return call?.type === 'call' && bindings.resolve(call.childForFieldName('function')!) !== undefined;
  };
  if (!localDiesWithCall(fn, name, isOwnBinding, isHarmlessUse) || !bound) return false;
  const call = argument.parent!.parent!;
  return statementsAfter(fn, statementOf(call)).every((statement) => endsQuickly(statement, bindings, callbacks));
}

function statementOf(node: Node): Node {
  let current = node;
  while (current.parent && current.parent.type !== 'block' && current.parent.type !== 'module') current = current.parent;
  return current;
}

const LONG_RUNNING = ['for_statement', 'while_statement', 'with_statement', 'try_statement', 'function_definition', 'class_definition', 'lambda', 'await', 'yield'];

/** A statement after which the function still returns promptly: no loops, no calls but logging or more registrations. */
function endsQuickly(statement: Node, bindings: CtypesBindings, callbacks: CtypesCallbacks): boolean {
  if (statement.type === 'raise_statement') return true;
  if (LONG_RUNNING.includes(statement.type) || statement.descendantsOfType(LONG_RUNNING).length > 0) return false;
  return statement.descendantsOfType('call').every((call) => {
    const callee = call.childForFieldName('function');
    if (LOGGING_CALL.test(callee?.text ?? '') || callbacks.callbackAt(call)) return true;
    if (closestRaise(call)) return true;
    return retainingFunction(call, bindings) !== undefined;
  });
}

function closestFunction(node: Node): Node | undefined {
  for (let current = node.parent; current; current = current.parent) if (current.type === 'function_definition') return current;
  return undefined;
}

function closestRaise(node: Node): boolean {
  for (let current = node.parent; current; current = current.parent) {
    if (current.type === 'raise_statement') return true;
    if (current.type === 'block') return false;
  }
  return false;
}

/**
 * Hoists `CALLBACK(handler)` to a module-level name when both are plain module-level names: the
 * new statement goes right after the later of their definitions, so it runs once at import.
 */
function hoistFix(callback: CtypesCallback, siblings: CtypesCallback[], context: RuleContext): Fix | undefined {
  const { prototype, target, site } = callback;
  const prototypeStatement = prototype.statement;
  const handler = resolveFunction(target);
  if (!prototypeStatement || prototype.name !== site.childForFieldName('function')?.text) return undefined;
  if (handler?.type !== 'function_definition' || target.type !== 'identifier') return undefined;
  const handlerStatement = handler.parent?.type === 'decorated_definition' ? handler.parent : handler;
  if (prototypeStatement.parent?.type !== 'module' || handlerStatement.parent?.type !== 'module') return undefined;
  // The module may already keep the same callback under a name (or this fix did, at another call).
  const existing = context.root.namedChildren.find((statement) => {
    const assignment = statement.type === 'expression_statement' ? statement.namedChildren[0] : undefined;
    const left = assignment?.type === 'assignment' ? assignment.childForFieldName('left') : null;
    return left?.type === 'identifier' && assignment!.childForFieldName('right')?.text === site.text && isBoundOnce(left, context.root);
  });
  const variable = existing?.namedChildren[0]?.childForFieldName('left')?.text ?? `_${target.text.replace(/^_+/, '')}_callback`;
  const title = existing ? `Use the module-level callback ${variable}` : `Keep the callback alive in a module-level name (${variable})`;
  // Code that runs at import must come after the new statement; code inside a function runs later.
  const comesBefore = (statement: Node, use: Node) => {
    if (closestFunction(use) !== undefined) return true;
    const useStatement = moduleStatementOf(use);
    return useStatement !== undefined && statement.endIndex <= useStatement.startIndex;
  };
  const anchor = existing ?? (prototypeStatement.endIndex > handlerStatement.endIndex ? prototypeStatement : handlerStatement);
  if (!comesBefore(anchor, site)) return undefined;
  if (!existing && context.root.descendantsOfType('identifier').some((identifier) => identifier.text === variable)) return undefined;
  const replacements = siblings
    .filter((sibling) => resolveFunction(sibling.target)?.id === handler.id && comesBefore(anchor, sibling.site))
    .map((sibling) => ({ range: nodeRange(sibling.site), newText: variable }));
  if (existing) return { title, edits: replacements, safe: true };
  const separator = anchor.type === 'expression_statement' ? '\n' : '\n\n\n';
  const at = { line: anchor.endPosition.row, column: anchor.endPosition.column };
  return {
    title,
    edits: [{ range: { start: at, end: at }, newText: `${separator}${variable} = ${site.text}` }, ...replacements],
    safe: true,
  };
}

/** True when `name` (an assignment target) is the only place its module binds, rebinds or deletes it. */
function isBoundOnce(name: Node, root: Node): boolean {
  return root.descendantsOfType('identifier').every((identifier) => {
    if (identifier.id === name.id || identifier.text !== name.text) return true;
    const parent = identifier.parent;
    if (parent?.type === 'global_statement' || parent?.type === 'delete_statement') return false;
    const isTarget = (parent?.type === 'assignment' || parent?.type === 'augmented_assignment') && parent.childForFieldName('left')?.id === identifier.id;
    return !isTarget;
  });
}
