import type { Node } from 'web-tree-sitter';
import { isCType } from './cgo';

/**
 * Which Go types hold Go pointers, read from the file's own type declarations: the question cgo's
 * runtime check asks of memory passed to C ("does it contain Go pointers?").
 */

/** Builtin types that are, or contain, a pointer into the Go heap. */
const POINTER_BUILTINS = new Set(['string', 'error', 'any']);
/** Builtin scalar types: no pointers. */
const SCALAR_BUILTINS = new Set([
  'bool', 'byte', 'rune', 'int', 'int8', 'int16', 'int32', 'int64', 'uint', 'uint8', 'uint16', 'uint32', 'uint64',
  'uintptr', 'float32', 'float64', 'complex64', 'complex128',
]);

/** A field or element that holds a Go pointer: how the message names it. */
export interface PointerContent {
  /** `name`, `inner.name`, or the element type for slices. */
  path: string;
  /** The offending type as written: `*Node`, `string`, `[]byte`, `map[string]int`. */
  type: string;
}

const MAX_DEPTH = 8;

/** The file's type declarations by name (`type Config struct {...}` → its struct_type node). */
export function fileTypes(root: Node): Map<string, Node> {
  const types = new Map<string, Node>();
  for (const spec of root.descendantsOfType(['type_spec', 'type_alias'])) {
    const name = spec.childForFieldName('name')?.text;
    const type = spec.childForFieldName('type');
    if (name && type && !spec.childForFieldName('type_parameters')) types.set(name, type);
  }
  return types;
}

/**
 * The first Go pointer a value of `type` holds, or undefined when it holds none or the code does
 * not show (a type from another package, unsafe.Pointer and uintptr, which may carry C addresses).
 */
export function pointerContent(type: Node, types: ReadonlyMap<string, Node>, cTypeNames: ReadonlySet<string>, depth = 0): PointerContent | undefined {
  if (depth > MAX_DEPTH) return undefined;
  switch (type.type) {
    case 'parenthesized_type':
      return type.namedChild(0) ? pointerContent(type.namedChild(0) as Node, types, cTypeNames, depth + 1) : undefined;
    case 'pointer_type':
      // A pointer to C memory is fine in Go memory passed to C; one to a Go type is not.
      return isCType(type, cTypeNames) ? undefined : { path: '', type: type.text };
    case 'slice_type':
    case 'map_type':
    case 'channel_type':
    case 'function_type':
    case 'interface_type':
      return { path: '', type: type.text };
    case 'array_type': {
      const element = type.childForFieldName('element');
      const inner = element ? pointerContent(element, types, cTypeNames, depth + 1) : undefined;
      return inner ? { path: `[i]${inner.path ? `.${inner.path}` : ''}`, type: inner.type } : undefined;
    }
    case 'struct_type':
      return structContent(type, types, cTypeNames, depth);
    case 'type_identifier': {
      const name = type.text;
      if (POINTER_BUILTINS.has(name)) return { path: '', type: name };
      if (SCALAR_BUILTINS.has(name) || cTypeNames.has(name)) return undefined;
      const declared = types.get(name);
      if (!declared) return undefined;
      const inner = pointerContent(declared, types, cTypeNames, depth + 1);
      // A named pointer-like type is reported as written (`Callback`), a struct by the field inside it.
      return inner && inner.path === '' && declared.type !== 'struct_type' ? { path: '', type: name } : inner;
    }
    default:
      // qualified types: C.x is C data; other packages (time.Time, sync.Mutex) are not read.
      return undefined;
  }
}

function structContent(struct: Node, types: ReadonlyMap<string, Node>, cTypeNames: ReadonlySet<string>, depth: number): PointerContent | undefined {
  for (const field of struct.descendantsOfType('field_declaration')) {
    if (field.parent?.parent?.id !== struct.id) continue;
    const type = field.childForFieldName('type');
    if (!type) continue;
    const names = field.childrenForFieldName('name').filter((n): n is Node => n !== null);
    const inner = pointerContent(type, types, cTypeNames, depth + 1);
    if (!inner) continue;
    const name = names[0]?.text ?? type.text.replace(/^\*/, '');
    return { path: inner.path ? `${name}.${inner.path}`.replace('.[i]', '[i]') : name, type: inner.type };
  }
  return undefined;
}
