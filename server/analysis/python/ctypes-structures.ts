import type { Node } from 'web-tree-sitter';
import { closestAncestor } from '../tree';
import type { CtypesNames } from './ctypes-bindings';

/**
 * The `ctypes.Structure` and `Union` subclasses a Python module defines, with the `_fields_` and
 * `_pack_` they declare (in the class body or later as `Cls._fields_ = …`), and what each field's
 * type is as far as the module shows it.
 */
export interface CtypesStructure {
  name: string;
  definition: Node;
  nameNode: Node;
  kind: 'struct' | 'union';
  /** The ctypes base (`Structure`, `BigEndianStructure`…) when the class derives from ctypes directly. */
  ctypesBase?: string;
  /** The module's own struct class this one derives from, when it does. */
  localBase?: CtypesStructure;
  /** Other bases (mixins): they may supply `_pack_` or `_fields_` this model does not see. */
  mixins: Node[];
  /** The fields, when `_fields_` is assigned exactly once, as a literal list or tuple. */
  fields?: CtypesField[];
  /** The value of `_pack_`, set on the class, after it, or on a local base. */
  pack?: Node;
  /** Some assignment to `_pack_` or `_fields_` this model cannot read (`setattr`, a loop). */
  dynamic: boolean;
}

export interface CtypesField {
  name: string;
  /** The `("name", type[, bits])` tuple. */
  entry: Node;
  type: Node;
  bits?: Node;
}

/** What a field's type expression is, as far as the module shows. */
export type CtypesType =
  | { kind: 'scalar'; member: string }
  | { kind: 'array'; element: CtypesType; length: number | undefined }
  | { kind: 'structure'; structure: CtypesStructure }
  | { kind: 'unknown' };

const STRUCT_BASES: Record<string, 'struct' | 'union'> = {
  Structure: 'struct',
  BigEndianStructure: 'struct',
  LittleEndianStructure: 'struct',
  Union: 'union',
  BigEndianUnion: 'union',
  LittleEndianUnion: 'union',
};

/** The scalar and pointer types ctypes defines, which a field can name directly. */
export const CTYPES_SCALARS = new Set([
  'c_bool', 'c_char', 'c_wchar', 'c_byte', 'c_ubyte', 'c_short', 'c_ushort', 'c_int', 'c_uint', 'c_long', 'c_ulong',
  'c_longlong', 'c_ulonglong', 'c_int8', 'c_uint8', 'c_int16', 'c_uint16', 'c_int32', 'c_uint32', 'c_int64', 'c_uint64',
  'c_float', 'c_double', 'c_longdouble', 'c_size_t', 'c_ssize_t', 'c_time_t', 'c_void_p', 'c_char_p', 'c_wchar_p',
  'py_object',
]);

function stringValue(node: Node | null | undefined): string | undefined {
  if (node?.type !== 'string' || node.namedChildren.some((child) => child.type === 'interpolation')) return undefined;
  return node.namedChildren.filter((child) => child.type === 'string_content').map((child) => child.text).join('');
}

function unparenthesized(node: Node): Node {
  let current = node;
  while (current.type === 'parenthesized_expression' && current.namedChildCount === 1) current = current.namedChildren[0]!;
  return current;
}

function readFields(list: Node | null): CtypesField[] | undefined {
  if (!list || (list.type !== 'list' && list.type !== 'tuple')) return undefined;
  const fields: CtypesField[] = [];
  for (const entry of list.namedChildren) {
    if (entry.type === 'comment') continue;
    if (entry.type !== 'tuple' && entry.type !== 'list') return undefined;
    const [nameNode, type, bits, ...rest] = entry.namedChildren.filter((child) => child.type !== 'comment');
    const name = stringValue(nameNode);
    if (name === undefined || !type || rest.length > 0) return undefined;
    fields.push({ name, entry, type, ...(bits ? { bits } : {}) });
  }
  return fields;
}

/** Assignments in a class body to `name`, not inside a method or nested class. */
function bodyAssignments(definition: Node, name: string): Node[] {
  const body = definition.childForFieldName('body');
  if (!body) return [];
  return body.descendantsOfType('assignment').filter((assignment) => {
    const owner = closestAncestor(assignment, ['function_definition', 'class_definition']);
    return owner?.id === definition.id && assignment.childForFieldName('left')?.text === name;
  });
}

export interface CtypesStructures {
  readonly structures: ReadonlyMap<string, CtypesStructure>;
  /** What a field type expression denotes. */
  typeOf(node: Node): CtypesType;
}

export function readCtypesStructures(root: Node, names: CtypesNames): CtypesStructures {
  const structures = new Map<string, CtypesStructure>();
  const definitions = root.descendantsOfType('class_definition');
  // Bases can be defined later in the file than their first mention: repeat until nothing changes.
  for (let changed = true; changed; ) {
    changed = false;
    for (const definition of definitions) {
      const nameNode = definition.childForFieldName('name');
      if (!nameNode || structures.has(nameNode.text)) continue;
      const bases = definition.childForFieldName('superclasses')?.namedChildren ?? [];
      const ctypesBase = Object.keys(STRUCT_BASES).find((base) => bases.some((node) => names.isMember(node, base)));
      const localBase = bases.map((node) => structures.get(node.text)).find((found) => found !== undefined);
      if (!ctypesBase && !localBase) continue;
      const mixins = bases.filter(
        (node) => node.type !== 'keyword_argument' && !structures.has(node.text) && !Object.keys(STRUCT_BASES).some((base) => names.isMember(node, base)),
      );
      structures.set(nameNode.text, {
        name: nameNode.text,
        definition,
        nameNode,
        kind: ctypesBase ? STRUCT_BASES[ctypesBase] : localBase!.kind,
        ...(ctypesBase ? { ctypesBase } : { localBase }),
        mixins,
        dynamic: false,
      });
      changed = true;
    }
  }
  if (structures.size === 0) return { structures, typeOf: () => ({ kind: 'unknown' }) };

  const fieldLists = new Map<string, Node[]>();
  const packs = new Map<string, Node[]>();
  for (const structure of structures.values()) {
    fieldLists.set(structure.name, bodyAssignments(structure.definition, '_fields_'));
    packs.set(structure.name, bodyAssignments(structure.definition, '_pack_'));
  }
  const aliases = new Map<string, Node>();
  for (const assignment of root.descendantsOfType('assignment')) {
    const left = assignment.childForFieldName('left');
    const right = assignment.childForFieldName('right');
    if (left?.type === 'identifier' && right && assignment.parent?.parent?.type === 'module') aliases.set(left.text, right);
    if (left?.type !== 'attribute') continue;
    const owner = structures.get(left.childForFieldName('object')?.text ?? '');
    const attribute = left.childForFieldName('attribute')?.text;
    if (owner && attribute === '_fields_') fieldLists.get(owner.name)!.push(assignment);
    if (owner && attribute === '_pack_') packs.get(owner.name)!.push(assignment);
  }
  for (const call of root.descendantsOfType('call')) {
    if (call.childForFieldName('function')?.text !== 'setattr') continue;
    const [target, attribute] = call.childForFieldName('arguments')?.namedChildren ?? [];
    const owner = structures.get(target?.text ?? '');
    if (owner && /^_(?:fields|pack)_$/.test(stringValue(attribute) ?? '')) owner.dynamic = true;
  }
  for (const structure of structures.values()) {
    const lists = fieldLists.get(structure.name)!;
    const fields = lists.length === 1 ? readFields(lists[0].childForFieldName('right')) : undefined;
    if (fields) structure.fields = fields;
    else if (lists.length > 0) structure.dynamic = true;
    const pack = packs.get(structure.name)!;
    if (pack.length > 0) structure.pack = pack[0].childForFieldName('right') ?? pack[0];
  }
  for (const structure of structures.values()) {
    for (let base = structure.localBase; base && !structure.pack; base = base.localBase) {
      if (base.pack) structure.pack = base.pack;
    }
  }

  const typeOf = (node: Node, depth = 0): CtypesType => {
    const expression = unparenthesized(node);
    if (depth > 4) return { kind: 'unknown' };
    const member = [...CTYPES_SCALARS].find((candidate) => names.isMember(expression, candidate));
    if (member) return { kind: 'scalar', member };
    if (expression.type === 'identifier') {
      const structure = structures.get(expression.text);
      if (structure) return { kind: 'structure', structure };
      const alias = aliases.get(expression.text);
      if (alias) return typeOf(alias, depth + 1);
    }
    if (expression.type === 'binary_operator' && expression.childForFieldName('operator')?.text === '*') {
      const left = expression.childForFieldName('left');
      const right = expression.childForFieldName('right');
      if (!left || !right) return { kind: 'unknown' };
      const length = right.type === 'integer' && /^\d+$/.test(right.text) ? Number(right.text) : undefined;
      return { kind: 'array', element: typeOf(left, depth + 1), length };
    }
    return { kind: 'unknown' };
  };
  return { structures, typeOf: (node) => typeOf(node) };
}
