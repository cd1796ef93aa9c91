import type { CtypesStructures, CtypesType } from './ctypes-structures';

/** The two 64-bit data models: LP64 (Linux, macOS) and LLP64 (Windows). */
export type DataModel = 'lp64' | 'llp64';
export const DATA_MODELS: readonly DataModel[] = ['lp64', 'llp64'];

/** Size in bytes (also the natural alignment) of each ctypes scalar, per data model. */
const SCALAR_SIZES: Record<string, number | Record<DataModel, number>> = {
  c_bool: 1, c_char: 1, c_byte: 1, c_ubyte: 1, c_int8: 1, c_uint8: 1,
  c_wchar: { lp64: 4, llp64: 2 },
  c_short: 2, c_ushort: 2, c_int16: 2, c_uint16: 2,
  c_int: 4, c_uint: 4, c_int32: 4, c_uint32: 4, c_float: 4,
  c_long: { lp64: 8, llp64: 4 }, c_ulong: { lp64: 8, llp64: 4 },
  c_longlong: 8, c_ulonglong: 8, c_int64: 8, c_uint64: 8, c_double: 8,
  c_longdouble: { lp64: 16, llp64: 8 },
  c_size_t: 8, c_ssize_t: 8, c_time_t: 8, c_void_p: 8, c_char_p: 8, c_wchar_p: 8, py_object: 8,
};

/** Size of a ctypes scalar on a data model, or undefined for a name this table lacks. */
export function scalarSize(member: string, model: DataModel): number | undefined {
  const size = SCALAR_SIZES[member];
  return typeof size === 'number' ? size : size?.[model];
}

export interface Layout {
  offsets: number[];
  size: number;
  alignment: number;
}

/**
 * Where ctypes places each field, with `_pack_ = pack` (undefined: natural alignment), or
 * undefined when a field's type is not fully known. Bit-fields are not modelled.
 */
export function layoutOf(
  fields: readonly CtypesType[],
  kind: 'struct' | 'union',
  pack: number | undefined,
  model: DataModel,
): Layout | undefined {
  const measured: { size: number; alignment: number }[] = [];
  for (const type of fields) {
    const measure = measureType(type, model);
    if (!measure) return undefined;
    measured.push(measure);
  }
  let offset = 0;
  let alignment = 1;
  const offsets: number[] = [];
  for (const field of measured) {
    const align = pack ? Math.min(field.alignment, pack) : field.alignment;
    alignment = Math.max(alignment, align);
    if (kind === 'union') {
      offsets.push(0);
      offset = Math.max(offset, field.size);
    } else {
      offset = Math.ceil(offset / align) * align;
      offsets.push(offset);
      offset += field.size;
    }
  }
  return { offsets, size: Math.ceil(offset / alignment) * alignment, alignment };
}

/** Size and alignment of a field type, when the module shows enough to know them. */
export function measureType(type: CtypesType, model: DataModel): { size: number; alignment: number } | undefined {
  if (type.kind === 'scalar') {
    const size = scalarSize(type.member, model);
    return size === undefined ? undefined : { size, alignment: size };
  }
  if (type.kind === 'array') {
    const element = type.length === undefined ? undefined : measureType(type.element, model);
    return element && type.length !== undefined ? { size: element.size * type.length, alignment: element.alignment } : undefined;
  }
  return undefined;
}

/** The layout of one of the module's struct classes, when every field is a known scalar or array. */
export function structureLayout(
  structures: CtypesStructures,
  name: string,
  pack: number | undefined,
  model: DataModel,
): Layout | undefined {
  const structure = structures.structures.get(name);
  if (!structure?.fields || structure.localBase || structure.fields.some((field) => field.bits)) return undefined;
  return layoutOf(structure.fields.map((field) => structures.typeOf(field.type)), structure.kind, pack, model);
}
