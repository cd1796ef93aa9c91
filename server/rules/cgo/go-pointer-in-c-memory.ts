import type { Node } from 'web-tree-sitter';
import { calledCFunction, CgoMemory, importsC, type CDestination, type GoPointer } from '../../analysis/go/cgo';
import { callArguments, pointerConversion, shortText, unaryOperator, unparenthesize } from '../../analysis/go/expressions';
import { defineRule, type RuleContext } from '../../engine/rule';

/**
 * C functions that, by their name, keep an argument after they return: registrations, user-data
 * setters, thread and async starters. Matched against the name in snake case, word by word.
 */
const RETAINING_FUNCTION =
  /(?:^|_)(?:register|callbacks?|set_user_?data|userdata|set_(?:q|ex_|app_)?data|set_context|set_opaque|subscribe|add_listener|add_handler|set_handler|handler|hooks?|create_(?:function|collation|module)|start_thread|p?thread_create|signal_connect|idle_add|timeout_add)(?:_|$)|_async$/;
/** Names that match the above but read, remove or invoke instead of keeping. */
const NON_RETAINING_FUNCTION =
  /(?:^|_)(?:get|is|has|remove|unregister|deregister|unsubscribe|unhook|disconnect|clear|free|destroy|finish|call|invoke|run|fire|trigger|emit|dispatch)(?:_|$)|^to_/;
/** C character types: a string argument of a registration is copied (a name, a signal), not kept. */
const CHARACTER_TYPE = /^(?:char|schar|uchar|gchar|guchar)$/;

/** `sqlite3_create_function`, `_gtk_widget_add_tick_callback`, `registerCallback` → snake-case words. */
function snakeCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/^_+/, '');
}

function retainsArguments(name: string): boolean {
  const words = snakeCase(name);
  return RETAINING_FUNCTION.test(words) && !NON_RETAINING_FUNCTION.test(words);
}

/** `(*C.char)(…)`: a string passed by address. */
function isCharacterPointer(argument: Node): boolean {
  const conversion = pointerConversion(unparenthesize(argument));
  if (!conversion) return false;
  const type = conversion.type.text.replace(/[()\s*]/g, '');
  return type.startsWith('C.') && CHARACTER_TYPE.test(type.slice(2));
}

function describePointer(pointer: GoPointer): string {
  const origin = `\`${shortText(pointer.origin)}\``;
  return pointer.via && pointer.via.id !== pointer.origin.id ? `\`${pointer.via.text}\` (${origin})` : origin;
}

function handleObject(pointer: GoPointer): string {
  return shortText(pointer.via ?? pointer.object);
}

function describeDestination(kind: CDestination, left: Node): string {
  const place = `\`${shortText(left)}\``;
  return kind === 'c-memory' ? `C memory (${place})` : `the C struct field ${place}`;
}

export default defineRule({
  id: 'cgo/go-pointer-in-c-memory',
  languages: ['go'],
  severity: 'error',
  questions: [21, 32],
  description: 'A Go pointer is stored in C memory, in a C struct, or handed to a C function that keeps it after the call.',
  messages: {
    stored:
      '{{pointer}} is a Go pointer stored in {{destination}}: the Go GC neither sees nor updates it. Pass a runtime/cgo.Handle instead (handle := cgo.NewHandle({{object}}); store C.uintptr_t(handle); handle.Delete() when C is done).',
    literal:
      '{{pointer}} is a Go pointer put in a `{{type}}` literal ({{field}}): once C holds the struct, the Go GC neither sees nor updates it. Pass a runtime/cgo.Handle instead (handle := cgo.NewHandle({{object}}); store C.uintptr_t(handle); handle.Delete() when C is done).',
    retained:
      '{{pointer}} is a Go pointer passed to `C.{{function}}`, which keeps it after the call returns: the Go GC neither sees nor updates it. Pass a runtime/cgo.Handle instead (handle := cgo.NewHandle({{object}}); pass C.uintptr_t(handle); handle.Delete() when C is done).',
  },
  fixable: false,
  triggers: ['"C"', '`C`'],
  check(context) {
    if (!importsC(context.root)) return;
    const memory = new CgoMemory(context.root);
    checkStores(context, memory);
    checkLiterals(context, memory);
    checkRetainingCalls(context, memory);
  },
});

function goPointerAt(memory: CgoMemory, value: Node): GoPointer | undefined {
  const pointer = memory.goPointer(value);
  return pointer && !memory.isPinned(pointer, value) ? pointer : undefined;
}

function checkStores(context: RuleContext, memory: CgoMemory): void {
  for (const assignment of context.root.descendantsOfType('assignment_statement')) {
    if (assignment.childForFieldName('operator')?.type !== '=') continue;
    const left = assignment.childForFieldName('left')?.namedChildren ?? [];
    const right = assignment.childForFieldName('right')?.namedChildren ?? [];
    if (left.length !== right.length) continue;
    left.forEach((target, index) => {
      const destination = memory.destination(target);
      if (!destination) return;
      const value = right[index];
      const pointer = goPointerAt(memory, value);
      if (!pointer) return;
      context.report({
        node: value,
        messageId: 'stored',
        data: { pointer: describePointer(pointer), destination: describeDestination(destination, target), object: handleObject(pointer) },
      });
    });
  }
}

/** The elements of a C struct literal, and of the struct literals in a slice or array of C structs. */
function cStructElements(literal: Node, memory: CgoMemory): { element: Node; field?: Node }[] {
  const type = literal.childForFieldName('type');
  const body = literal.childForFieldName('body');
  if (!type || !body || !memory.isCType(type)) return [];
  const bodies = type.type === 'qualified_type' || type.type === 'type_identifier' ? [body] : type.type === 'slice_type' || type.type.endsWith('array_type') ? nestedBodies(body) : [];
  return bodies.flatMap((value) =>
    value.namedChildren.flatMap((child) => {
      if (child.type === 'keyed_element') {
        const element = child.childForFieldName('value')?.namedChild(0);
        const key = child.childForFieldName('key')?.namedChild(0);
        return element ? [{ element, field: key ?? undefined }] : [];
      }
      const element = child.type === 'literal_element' ? child.namedChild(0) : null;
      return element ? [{ element }] : [];
    }),
  );
}

/** The `{…}` bodies inside a slice literal's body: the elided struct literals. */
function nestedBodies(body: Node): Node[] {
  return body.namedChildren.flatMap((child) => {
    const element = child.type === 'keyed_element' ? child.childForFieldName('value')?.namedChild(0) : child.namedChild(0);
    return element?.type === 'literal_value' ? [element] : [];
  });
}

function checkLiterals(context: RuleContext, memory: CgoMemory): void {
  for (const literal of context.root.descendantsOfType('composite_literal')) {
    const type = literal.childForFieldName('type');
    for (const { element, field } of cStructElements(literal, memory)) {
      if (element.type === 'literal_value') continue;
      const pointer = goPointerAt(memory, element);
      if (!pointer || !type) continue;
      context.report({
        node: element,
        messageId: 'literal',
        data: {
          pointer: describePointer(pointer),
          type: shortText(type),
          field: field ? `field \`${field.text}\`` : 'positional field',
          object: handleObject(pointer),
        },
      });
    }
  }
}

function checkRetainingCalls(context: RuleContext, memory: CgoMemory): void {
  for (const call of context.root.descendantsOfType('call_expression')) {
    const name = calledCFunction(call);
    if (name === undefined || !retainsArguments(name)) continue;
    for (const argument of callArguments(call)) {
      if (isCharacterPointer(argument) || isOutParameter(argument, memory)) continue;
      const pointer = goPointerAt(memory, argument);
      if (!pointer) continue;
      context.report({
        node: argument,
        messageId: 'retained',
        data: { pointer: describePointer(pointer), function: name, object: handleObject(pointer) },
      });
    }
  }
}

/** `&err` for a C-typed variable, passed bare: an out-parameter C writes to, not user data it keeps. */
function isOutParameter(argument: Node, memory: CgoMemory): boolean {
  const node = unparenthesize(argument);
  const operand = unaryOperator(node) === '&' ? node.childForFieldName('operand') : null;
  return operand?.type === 'identifier' && memory.hasCType(operand);
}
