/**
 * What the common C scalar type names mean on the two 64-bit data models: LP64 (Linux, macOS, the
 * BSDs) and LLP64 (Windows). Covers the builtin types, <stdint.h>, and the fixed-width typedefs of
 * Windows, GLib, SDL and the Linux kernel that bindings meet most often.
 */
export interface CScalar {
  /** The ctypes type with the same width and signedness on every platform where the name exists. */
  ctypes: string;
  /** Size in bytes (also the alignment) on LP64 and on LLP64. */
  lp64: number;
  llp64: number;
  /** A Windows typedef (`DWORD`, `LONG`), meaningful mainly in code written for Windows. */
  windows?: boolean;
}

const fixed = (ctypes: string, size: number, windows = false): CScalar => ({ ctypes, lp64: size, llp64: size, ...(windows ? { windows } : {}) });

const SCALARS: Record<string, CScalar> = {
  char: fixed('c_char', 1),
  'signed char': fixed('c_byte', 1),
  'unsigned char': fixed('c_ubyte', 1),
  short: fixed('c_short', 2),
  'unsigned short': fixed('c_ushort', 2),
  int: fixed('c_int', 4),
  'unsigned int': fixed('c_uint', 4),
  long: { ctypes: 'c_long', lp64: 8, llp64: 4 },
  'unsigned long': { ctypes: 'c_ulong', lp64: 8, llp64: 4 },
  'long long': fixed('c_longlong', 8),
  'unsigned long long': fixed('c_ulonglong', 8),
  float: fixed('c_float', 4),
  double: fixed('c_double', 8),
  bool: fixed('c_bool', 1),
  _Bool: fixed('c_bool', 1),
  size_t: fixed('c_size_t', 8),
  ssize_t: fixed('c_ssize_t', 8),
  ptrdiff_t: fixed('c_ssize_t', 8),
  intptr_t: fixed('c_ssize_t', 8),
  uintptr_t: fixed('c_size_t', 8),
  glong: { ctypes: 'c_long', lp64: 8, llp64: 4 },
  gulong: { ctypes: 'c_ulong', lp64: 8, llp64: 4 },
};

const FIXED_WIDTH: [names: string[], ctypes: string, size: number][] = [
  [['int8_t', 's8', '__s8', 'gint8', 'Sint8'], 'c_int8', 1],
  [['uint8_t', 'u8', '__u8', 'guint8', 'Uint8', 'guchar'], 'c_uint8', 1],
  [['int16_t', 's16', '__s16', 'gint16', 'Sint16', 'gshort'], 'c_int16', 2],
  [['uint16_t', 'u16', '__u16', 'guint16', 'Uint16', 'gushort', '__le16', '__be16'], 'c_uint16', 2],
  [['int32_t', 's32', '__s32', 'gint32', 'Sint32', 'gint'], 'c_int32', 4],
  [['uint32_t', 'u32', '__u32', 'guint32', 'Uint32', 'guint', '__le32', '__be32'], 'c_uint32', 4],
  [['int64_t', 's64', '__s64', 'gint64', 'Sint64'], 'c_int64', 8],
  [['uint64_t', 'u64', '__u64', 'guint64', 'Uint64', '__le64', '__be64'], 'c_uint64', 8],
];
const WINDOWS_FIXED_WIDTH: [names: string[], ctypes: string, size: number][] = [
  [['INT8', 'CHAR'], 'c_int8', 1],
  [['UINT8', 'BYTE', 'UCHAR', 'BOOLEAN'], 'c_uint8', 1],
  [['INT16', 'SHORT'], 'c_int16', 2],
  [['UINT16', 'WORD', 'USHORT', 'WCHAR'], 'c_uint16', 2],
  [['INT32', 'INT', 'LONG', 'LONG32', 'BOOL'], 'c_int32', 4],
  [['UINT32', 'UINT', 'DWORD', 'ULONG', 'DWORD32', 'ULONG32'], 'c_uint32', 4],
  [['INT64', 'LONGLONG', 'LONG64'], 'c_int64', 8],
  [['UINT64', 'ULONGLONG', 'DWORD64', 'ULONG64', 'QWORD'], 'c_uint64', 8],
];
for (const [names, ctypes, size] of FIXED_WIDTH) for (const name of names) SCALARS[name] = fixed(ctypes, size);
for (const [names, ctypes, size] of WINDOWS_FIXED_WIDTH) for (const name of names) SCALARS[name] = fixed(ctypes, size, true);

/** The scalar a C type name (as `readCStructs` spells it) denotes, when it is one this table knows. */
export function cScalar(type: string): CScalar | undefined {
  return Object.prototype.hasOwnProperty.call(SCALARS, type) ? SCALARS[type] : undefined;
}
