import type { Node } from 'web-tree-sitter';
import { definedCTypes, importsC, isCType } from '../../analysis/go/cgo';
import { shortText } from '../../analysis/go/expressions';
import { exportedFunctions } from '../../analysis/go/ownership';
import { defineRule, type RuleContext } from '../../engine/rule';

/** Predeclared Go types that hold no Go pointer. */
const SCALARS = new Set([
  'bool', 'byte', 'rune', 'int', 'int8', 'int16', 'int32', 'int64', 'uint', 'uint8', 'uint16', 'uint32', 'uint64',
  'uintptr', 'float32', 'float64', 'complex64', 'complex128',
]);

/** Why a Go type cannot cross to C: what it is, in a few words; undefined when it can (or we cannot tell). */
type Verdict = string | undefined;

interface TypeNames {
  /** The file's own type declarations, by name. */
  declared: Map<string, Node>;
  /** The file's own names for C types. */
  cTypes: Set<string>;
}

function fileTypes(root: Node): TypeNames {
  const declared = new Map<string, Node>();
  for (const spec of root.descendantsOfType(['type_spec', 'type_alias'])) {
    const name = spec.childForFieldName('name')?.text;
    const type = spec.childForFieldName('type');
    if (name && type && spec.parent?.parent?.type === 'source_file') declared.set(name, type);
    else if (name && type && spec.parent?.type === 'type_declaration' && spec.parent.parent?.type === 'source_file') declared.set(name, type);
  }
  return { declared, cTypes: definedCTypes(root) };
}

/**
 * What makes `type` Go memory C cannot hold. `forParameter` asks only about the kinds C cannot
 * build at all (maps, channels, functions, interfaces); results are judged by every Go pointer.
 */
function goMemoryIn(type: Node, names: TypeNames, forParameter: boolean, seen = new Set<string>()): Verdict {
  switch (type.type) {
    case 'parenthesized_type':
      return type.namedChild(0) ? goMemoryIn(type.namedChild(0)!, names, forParameter, seen) : undefined;
    case 'qualified_type':
      return undefined; // C.x, unsafe.Pointer, or another package's type we cannot see
    case 'pointer_type':
      if (forParameter || isCType(type, names.cTypes)) return undefined;
      return 'a Go pointer';
    case 'slice_type':
      return forParameter ? undefined : 'a Go slice';
    case 'map_type':
      return 'a Go map';
    case 'channel_type':
      return 'a Go channel';
    case 'function_type':
      return 'a Go func';
    case 'interface_type':
      return 'a Go interface';
    case 'array_type': {
      const element = type.childForFieldName('element');
      return element ? goMemoryIn(element, names, forParameter, seen) : undefined;
    }
    case 'struct_type': {
      if (forParameter) return undefined;
      for (const field of type.descendantsOfType('field_declaration')) {
        if (field.parent?.parent?.id !== type.id) continue;
        const fieldType = field.childForFieldName('type');
        const verdict = fieldType ? goMemoryIn(fieldType, names, forParameter, seen) : undefined;
        if (verdict) return `a struct holding ${verdict}`;
      }
      return undefined;
    }
    case 'type_identifier': {
      const name = type.text;
      if (name === 'string') return forParameter ? undefined : 'a Go string';
      if (name === 'error' || name === 'any') return 'a Go interface';
      if (SCALARS.has(name) || names.cTypes.has(name) || seen.has(name)) return undefined;
      const declared = names.declared.get(name);
      if (!declared) return undefined;
      seen.add(name);
      return goMemoryIn(declared, names, forParameter, seen);
    }
    default:
      return undefined;
  }
}

/** The result types of a function: a bare type, or each declaration of a result list (repeated per name). */
function resultTypes(declaration: Node): Node[] {
  const result = declaration.childForFieldName('result');
  if (!result) return [];
  if (result.type !== 'parameter_list') return [result];
  return result.namedChildren.flatMap((parameter) => {
    const type = parameter.childForFieldName('type');
    return type ? [type] : [];
  });
}

export default defineRule({
  id: 'cgo/export-go-pointer',
  languages: ['go'],
  severity: 'error',
  questions: [24, 21],
  description: 'A function exported to C with //export returns Go memory (a pointer, slice, string, map…) or takes a map, channel, func or interface C cannot build.',
  messages: {
    result:
      'Exported function {{function}} returns `{{type}}` ({{what}}), Go memory C must not hold: return C memory (C.CString/C.malloc, released by an exported free function) or an integer handle from cgo.NewHandle.',
    parameter:
      'Exported function {{function}} takes `{{name}}` of type `{{type}}` ({{what}}), which C cannot build or keep: take C types, or an integer handle from cgo.NewHandle resolved on the Go side.',
  },
  fixable: false,
  triggers: ['//export'],
  check(context) {
    if (!importsC(context.root)) return;
    const exported = exportedFunctions(context.root);
    if (exported.length === 0) return;
    const names = context.shared(fileTypes);
    for (const { declaration, name } of exported) checkExported(context, declaration, name, names);
  },
});

function checkExported(context: RuleContext, declaration: Node, name: string, names: TypeNames): void {
  const results = resultTypes(declaration).flatMap((type) => {
    const what = goMemoryIn(type, names, false);
    return what ? [{ type, what }] : [];
  });
  let reportedRow: number | undefined;
  if (results.length > 0) {
    const [first] = results;
    context.report({
      node: first.type,
      messageId: 'result',
      data: {
        function: name,
        type: results.map((r) => shortText(r.type)).join('`, `'),
        what: results.map((r) => r.what).join(' and '),
      },
    });
    reportedRow = first.type.startPosition.row;
  }
  for (const parameter of declaration.childForFieldName('parameters')?.namedChildren ?? []) {
    const type = parameter.childForFieldName('type');
    if (!type) continue;
    const what = goMemoryIn(type, names, true);
    if (!what) continue;
    // One finding per line: a signature on one line is reported once, for its result.
    if (reportedRow === type.startPosition.row) continue;
    const parameterNames = parameter.childrenForFieldName('name').map((n) => n.text);
    context.report({
      node: type,
      messageId: 'parameter',
      data: { function: name, name: parameterNames.join(', ') || 'a parameter', type: shortText(type), what },
    });
    reportedRow = type.startPosition.row;
  }
}
