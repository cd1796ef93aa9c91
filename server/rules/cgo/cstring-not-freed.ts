import type { Node } from 'web-tree-sitter';
import { calledCFunction, importsC } from '../../analysis/go/cgo';
import { shortText } from '../../analysis/go/expressions';
import {
  callTakingArgument,
  calleeName,
  cgoPreamble,
  enclosingFunction,
  importName,
  isDeferred,
  liftThroughConversions,
  preambleFunction,
} from '../../analysis/go/ownership';
import { GO_FUNCTIONS } from '../../analysis/go/local-bindings';
import { closestAncestor, indentationOf, isWithin } from '../../analysis/tree';
import { defineRule, type RuleContext } from '../../engine/rule';

/** cgo's allocating converters: their result is C memory only `C.free` releases. */
const ALLOCATORS = new Set(['CString', 'CBytes']);
/** A callee whose name says it releases its argument: `C.free`, `C.g_free`, a `freeCString` helper. */
const RELEASES = /free|release/i;
/** A C function whose name says it takes ownership of its argument. */
const TAKES_OWNERSHIP = /(?:^|_)(?:take|takes|own|owned|adopt|consume)(?:_|$)|(?:Take|Own|Adopt|Consume)(?:[A-Z_]|$)/;

/**
 * Whether a C function may keep (and later free) a string argument: its name says it takes
 * ownership, or it is the binding's own helper, declared in the preamble with its body elsewhere
 * or with a body that frees (`sqlite3_result_text(ctx, s, -1, free)`).
 */
function mayTakeOwnership(name: string, preamble: string): boolean {
  if (TAKES_OWNERSHIP.test(name)) return true;
  const helper = preambleFunction(preamble, name);
  if (!helper) return false;
  return helper.body === undefined || /\bfree\b/.test(helper.body);
}

interface Allocation {
  call: Node;
  converter: string;
}

export default defineRule({
  id: 'cgo/cstring-not-freed',
  languages: ['go'],
  severity: 'warning',
  questions: [5, 4],
  description: 'C memory from C.CString or C.CBytes is never passed to C.free, or a return leaves the function before the free.',
  messages: {
    neverFreed:
      '`{{variable}}` holds C memory from C.{{converter}} that is never freed: add `defer C.free(unsafe.Pointer({{variable}}))` right after the allocation.',
    returnBeforeFree:
      'This return leaks `{{variable}}` (C memory from C.{{converter}} on line {{line}}), which is freed only later: free it with `defer C.free(unsafe.Pointer({{variable}}))` right after the allocation.',
    inline:
      'C.{{converter}}(…) passed straight to C.{{function}} is never freed: assign it to a variable, call C.{{function}} with it, and `defer C.free(unsafe.Pointer(…))` it.',
  },
  fixable: true,
  triggers: ['C.CString', 'C.CBytes'],
  check(context) {
    if (!importsC(context.root)) return;
    const canFix = importName(context.root, 'unsafe') === 'unsafe' && /\bC\.free\s*\(/.test(context.source);
    for (const call of context.root.descendantsOfType('call_expression')) {
      const converter = calledCFunction(call);
      if (!converter || !ALLOCATORS.has(converter)) continue;
      checkAllocation(context, { call, converter }, canFix, context.shared(cgoPreamble));
    }
  },
});

function checkAllocation(context: RuleContext, allocation: Allocation, canFix: boolean, preamble: string): void {
  const value = liftThroughConversions(allocation.call);
  const parent = value.parent;
  // C.puts(C.CString(s)): nothing keeps the pointer, so nothing can free it.
  const receiver = callTakingArgument(value);
  if (receiver) {
    const name = calledCFunction(receiver);
    if (name !== undefined && !RELEASES.test(name) && !mayTakeOwnership(name, preamble)) {
      context.report({ node: allocation.call, messageId: 'inline', data: { converter: allocation.converter, function: name } });
    }
    return;
  }
  if (parent?.type !== 'expression_list') return;
  const statement = parent.parent;
  if (!statement || (statement.type !== 'short_var_declaration' && statement.type !== 'assignment_statement' && statement.type !== 'var_spec')) return;
  if (statement.type === 'assignment_statement' && statement.childForFieldName('operator')?.type !== '=') return;
  const right = statement.childForFieldName(statement.type === 'var_spec' ? 'value' : 'right');
  if (right?.id !== parent.id) return;
  const left = statement.type === 'var_spec' ? statement.childrenForFieldName('name') : (statement.childForFieldName('left')?.namedChildren ?? []);
  const index = parent.namedChildren.findIndex((child) => child.id === value.id);
  if (left.length !== parent.namedChildCount || index < 0) return;
  const target = left[index];
  // Stored in a field, an element or through a pointer: ownership lives elsewhere.
  if (target.type !== 'identifier' || target.text === '_') return;
  const fn = enclosingFunction(statement);
  if (!fn) return; // a package-level variable
  const body = fn.childForFieldName('body');
  if (!body) return;
  const variable = target.text;
  if (!declaredIn(fn, variable)) return; // a package-level variable assigned in a function

  const uses = body.descendantsOfType('identifier').filter((use) => use.text === variable && !isWithin(use, statement));
  const frees: Node[] = [];
  let deferredFree = false;
  for (const use of uses) {
    const verdict = classifyUse(use, fn, preamble);
    if (verdict === 'escapes') return;
    if (verdict === 'free') {
      if (isDeferred(use, fn)) deferredFree = true;
      else if (use.startIndex > statement.endIndex) frees.push(use);
    }
  }
  if (deferredFree) return;
  const line = String(statement.startPosition.row + 1);
  if (frees.length === 0) {
    const fix = canFix && statement.type === 'short_var_declaration' && statement.parent?.type === 'statement_list' ? insertDeferredFree(context, statement, variable) : undefined;
    context.report({ node: allocation.call, messageId: 'neverFreed', data: { variable, converter: allocation.converter }, fix });
    return;
  }
  const block = statement.parent;
  if (!block) return;
  for (const exit of body.descendantsOfType('return_statement')) {
    if (exit.startIndex < statement.endIndex || closestAncestor(exit, GO_FUNCTIONS)?.id !== fn.id) continue;
    if (!isWithin(exit, block)) continue;
    if (uses.some((use) => isWithin(use, exit))) continue;
    if (frees.some((free) => freedOnTheWayTo(free, exit))) continue;
    context.report({ node: exit, messageId: 'returnBeforeFree', data: { variable, converter: allocation.converter, line } });
  }
}

/** Whether the function itself declares `name` (parameter, `:=`, `var`). */
function declaredIn(fn: Node, name: string): boolean {
  for (const node of fn.descendantsOfType(['parameter_declaration', 'short_var_declaration', 'var_spec'])) {
    if (closestAncestor(node, GO_FUNCTIONS)?.id !== fn.id) continue;
    const names =
      node.type === 'short_var_declaration' ? (node.childForFieldName('left')?.namedChildren ?? []) : node.childrenForFieldName('name');
    if (names.some((n) => n.text === name)) return true;
  }
  return false;
}

type Use = 'free' | 'escapes' | 'use';

/** What one later mention of the pointer does with it. */
function classifyUse(use: Node, fn: Node, preamble: string): Use {
  // Used in a closure that is not deferred (a goroutine, a callback): its lifetime is not this function's.
  const owner = closestAncestor(use, GO_FUNCTIONS);
  if (owner && owner.id !== fn.id && !isDeferred(owner, fn)) return 'escapes';
  const value = liftThroughConversions(use);
  const parent = value.parent;
  if (!parent) return 'use';
  const call = callTakingArgument(value);
  if (call) {
    const name = calleeName(call) ?? '';
    if (RELEASES.test(name)) return 'free';
    if (calledCFunction(call) === undefined) return name === 'len' ? 'use' : 'escapes'; // a Go function may free or keep it
    return mayTakeOwnership(name, preamble) ? 'escapes' : 'use';
  }
  switch (parent.type) {
    case 'expression_list': {
      const statement = parent.parent;
      if (statement?.type === 'return_statement') return 'escapes';
      if (statement?.type === 'assignment_statement' || statement?.type === 'short_var_declaration' || statement?.type === 'var_spec') {
        const right = statement.childForFieldName(statement.type === 'var_spec' ? 'value' : 'right');
        return right?.id === parent.id ? 'escapes' : 'use'; // copied elsewhere, or reassigned
      }
      return 'use';
    }
    case 'return_statement':
    case 'literal_element':
    case 'keyed_element':
    case 'send_statement':
      return 'escapes';
    default:
      return 'use';
  }
}

/** Whether the free statement runs before `exit` on every path that reaches it: its statement is an earlier sibling of one of exit's enclosing statements. */
function freedOnTheWayTo(free: Node, exit: Node): boolean {
  if (free.startIndex > exit.startIndex) return false;
  let statement: Node | null = free;
  while (statement && statement.parent?.type !== 'statement_list') statement = statement.parent;
  const block = statement?.parent;
  if (!statement || !block) return false;
  if (statement.type !== 'expression_statement') return false; // a free inside an if or a loop may not run
  return isWithin(exit, block) && exit.startIndex > statement.endIndex;
}

function insertDeferredFree(context: RuleContext, statement: Node, variable: string) {
  const indent = indentationOf(statement, context.source);
  // After the whole line, so that a trailing comment stays with the allocation.
  const lineEnd = context.source.indexOf('\n', statement.endIndex);
  const rest = context.source.slice(statement.endIndex, lineEnd < 0 ? undefined : lineEnd);
  if (!/^\s*(?:\/\/.*)?$/.test(rest)) return undefined;
  const lineText = context.source.split('\n')[statement.endPosition.row].replace(/\r$/, '');
  const at = { line: statement.endPosition.row, column: lineText.length };
  return {
    title: `Free ${shortText(statement)} with defer C.free`,
    edits: [
      {
        range: { start: at, end: at },
        newText: `\n${indent}defer C.free(unsafe.Pointer(${variable}))`,
      },
    ],
    // C may keep the pointer (a setter, putenv-like APIs): freeing it then breaks correct code.
    safe: false,
  };
}
