import type { Node } from 'web-tree-sitter';
import { crossingCFunction, preambleTypedefs } from '../../analysis/go/c-calls';
import { definedCTypes, importsC } from '../../analysis/go/cgo';
import { argumentOfCall, callArguments, pointerConversion, shortText, unaryOperator, unparenthesize } from '../../analysis/go/expressions';
import { fileBindings } from '../../analysis/go/file-bindings';
import type { LocalBindings } from '../../analysis/go/local-bindings';
import { fileTypes, pointerContent, type PointerContent } from '../../analysis/go/pointer-content';
import { isCType } from '../../analysis/go/cgo';
import { defineRule, type RuleContext } from '../../engine/rule';

const MAX_DEPTH = 6;

interface FileFacts {
  bindings: LocalBindings;
  types: Map<string, Node>;
  cTypeNames: Set<string>;
}

function typeFacts(root: Node): Pick<FileFacts, 'types' | 'cTypeNames'> {
  return { types: fileTypes(root), cTypeNames: definedCTypes(root) };
}

/** Strips `unsafe.Pointer(x)`, `(*C.T)(x)`, `(*T)(x)` and parentheses: the Go expression underneath. */
function stripConversions(expression: Node): Node {
  let node = unparenthesize(expression);
  for (let i = 0; i < MAX_DEPTH; i++) {
    const inner = argumentOfCall(node, 'unsafe', ['Pointer']) ?? pointerConversion(node)?.operand;
    if (!inner) break;
    node = unparenthesize(inner);
  }
  return node;
}

/** The type of `x` as the code states it: a declared or parameter type, or the type of its composite literal. */
function typeOfValue(identifier: Node, facts: FileFacts): Node | undefined {
  const binding = facts.bindings.resolve(identifier);
  if (!binding || binding.kind === 'range') return undefined;
  if (binding.type) return binding.type;
  const value = binding.value ? unparenthesize(binding.value) : undefined;
  if (value?.type === 'composite_literal') return value.childForFieldName('type') ?? undefined;
  return undefined;
}

/** The element type of a slice or array expression: `[]T` declared, `make([]T, n)`, `[]T{...}`. */
function elementType(expression: Node, facts: FileFacts): Node | undefined {
  const node = unparenthesize(expression);
  let type: Node | undefined;
  if (node.type === 'identifier') {
    const binding = facts.bindings.resolve(node);
    if (!binding || binding.kind === 'range') return undefined;
    type = binding.type;
    const value = binding.value ? unparenthesize(binding.value) : undefined;
    if (!type && value?.type === 'composite_literal') type = value.childForFieldName('type') ?? undefined;
    if (!type && value?.type === 'call_expression' && value.childForFieldName('function')?.text === 'make') {
      type = callArguments(value)[0];
    }
  } else if (node.type === 'composite_literal') {
    type = node.childForFieldName('type') ?? undefined;
  }
  while (type?.type === 'parenthesized_type') type = type.namedChild(0) ?? undefined;
  if (type?.type === 'type_identifier') type = facts.types.get(type.text);
  if (type?.type === 'slice_type' || type?.type === 'array_type') return type.childForFieldName('element') ?? undefined;
  return undefined;
}

interface Finding {
  /** The expression that produced the pointer (after following local variables). */
  origin: Node;
  content: PointerContent;
  /** How the message describes what holds the pointer. */
  kind: 'field' | 'element' | 'value';
}

/** What Go memory a pointer expression points to, and the Go pointer that memory holds. */
function nestedPointer(core: Node, facts: FileFacts, depth = 0): Finding | undefined {
  if (depth > MAX_DEPTH) return undefined;
  const content = (type: Node | undefined, kind: Finding['kind']): Finding | undefined => {
    if (!type || isCType(type, facts.cTypeNames)) return undefined;
    const found = pointerContent(type, facts.types, facts.cTypeNames);
    if (!found) return undefined;
    return { origin: core, content: found, kind: kind === 'value' && found.path !== '' ? 'field' : kind };
  };
  if (unaryOperator(core) === '&') {
    const operand = core.childForFieldName('operand');
    const place = operand ? unparenthesize(operand) : undefined;
    if (!place) return undefined;
    if (place.type === 'index_expression') {
      const slice = place.childForFieldName('operand');
      return slice ? content(elementType(slice, facts), 'element') : undefined;
    }
    if (place.type === 'composite_literal') return content(place.childForFieldName('type') ?? undefined, 'value');
    if (place.type === 'identifier') return content(typeOfValue(place, facts), 'value');
    return undefined;
  }
  const data = argumentOfCall(core, 'unsafe', ['SliceData']);
  if (data) return content(elementType(data, facts), 'element');
  if (argumentOfCall(core, undefined, ['new'])) {
    const [type] = callArguments(core);
    return content(type, 'value');
  }
  if (core.type === 'identifier') {
    const binding = facts.bindings.resolve(core);
    if (!binding || binding.kind === 'range') return undefined;
    if (binding.value) return nestedPointer(stripConversions(binding.value), facts, depth + 1);
    if (binding.kind === 'parameter' && binding.type?.type === 'pointer_type') {
      return content(binding.type.namedChild(0) ?? undefined, 'value');
    }
  }
  return undefined;
}

function describe(finding: Finding): string {
  const { path, type } = finding.content;
  if (finding.kind === 'element') return path ? `its elements hold field \`${path}\` of type \`${type}\`` : `its elements are \`${type}\``;
  if (finding.kind === 'field') return `field \`${path}\` is \`${type}\``;
  return `it holds a \`${type}\``;
}

export default defineRule({
  id: 'cgo/go-memory-with-pointers',
  languages: ['go'],
  severity: 'error',
  questions: [21],
  description: 'Go memory passed to C (or reinterpreted as a C struct) holds Go pointers: strings, slices, maps, Go pointers in fields or elements.',
  messages: {
    nested:
      '`{{value}}` is Go memory passed to C that itself holds Go pointers ({{content}}): cgo\'s runtime check (cgocheck) panics with "Go pointer to unpinned Go pointer". Copy the data into C memory (C.malloc, C.CString) or replace the inner pointers with cgo.Handle values.',
  },
  fixable: false,
  triggers: ['"C"', '`C`'],
  check(context) {
    if (!importsC(context.root)) return;
    const facts: FileFacts = { ...context.shared(typeFacts), bindings: context.shared(fileBindings) };
    const typedefs = context.shared(preambleTypedefs);
    const seen = new Set<number>();
    for (const call of context.root.descendantsOfType('call_expression')) {
      const name = crossingCFunction(call, typedefs);
      if (name !== undefined) {
        if (name === 'CString' || name === 'CBytes') continue;
        for (const argument of callArguments(call)) checkValue(context, facts, argument, seen);
        continue;
      }
      const conversion = pointerConversion(call);
      if (conversion && isCType(conversion.type, facts.cTypeNames) && !insideCCall(call, typedefs)) checkValue(context, facts, call, seen);
    }
    for (const conversion of context.root.descendantsOfType('type_conversion_expression')) {
      const parsed = pointerConversion(conversion);
      if (parsed && isCType(parsed.type, facts.cTypeNames) && !insideCCall(conversion, typedefs)) checkValue(context, facts, conversion, seen);
    }
  },
});

function insideCCall(node: Node, typedefs: ReadonlySet<string>): boolean {
  for (let current = node.parent; current; current = current.parent) {
    if (current.type === 'argument_list') {
      const call = current.parent;
      if (call && crossingCFunction(call, typedefs) !== undefined) return true;
    }
    if (current.type.endsWith('statement') || current.type === 'block') return false;
  }
  return false;
}

function checkValue(context: RuleContext, facts: FileFacts, value: Node, seen: Set<number>): void {
  const core = stripConversions(value);
  if (seen.has(core.id)) return;
  seen.add(core.id);
  const finding = nestedPointer(core, facts);
  if (!finding) return;
  if (finding.origin.id !== core.id) {
    // Reached through a local variable: report once per pointer, where it is first handed over.
    if (seen.has(finding.origin.id)) return;
    seen.add(finding.origin.id);
  }
  context.report({ node: core, messageId: 'nested', data: { value: shortText(core), content: describe(finding) } });
}
