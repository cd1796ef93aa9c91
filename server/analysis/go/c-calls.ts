import type { Node } from 'web-tree-sitter';
import { calledCFunction } from './cgo';

/** C scalar types cgo exposes as `C.name`: `C.int(x)` is a Go type conversion, not a call into C. */
const C_SCALAR_TYPES = new Set([
  'char', 'schar', 'uchar', 'short', 'ushort', 'int', 'uint', 'long', 'ulong', 'longlong', 'ulonglong',
  'float', 'double', 'complexfloat', 'complexdouble', 'bool', '_Bool',
  // GLib-style typedefs, common in bindings
  'gint', 'guint', 'gint8', 'guint8', 'gint16', 'guint16', 'gint32', 'guint32', 'gint64', 'guint64',
  'gshort', 'gushort', 'glong', 'gulong', 'gchar', 'guchar', 'gboolean', 'gfloat', 'gdouble',
  'gsize', 'gssize', 'goffset', 'gpointer', 'gconstpointer', 'gunichar', 'gintptr', 'guintptr', 'GType', 'GQuark',
]);

/** cgo's own helpers that never enter C code: they copy C memory into Go memory inside the runtime. */
const NO_CROSSING = new Set(['GoString', 'GoStringN', 'GoBytes']);

/** Type names the cgo preamble (the comment right above `import "C"`) declares with `typedef`. */
export function preambleTypedefs(root: Node): Set<string> {
  const names = new Set<string>();
  for (const spec of root.descendantsOfType('import_spec')) {
    const path = spec.childForFieldName('path')?.text;
    if (path !== '"C"' && path !== '`C`') continue;
    const declaration = spec.parent?.type === 'import_declaration' ? spec.parent : spec.parent?.parent;
    let comment = declaration?.previousSibling ?? null;
    const text: string[] = [];
    while (comment?.type === 'comment') {
      text.push(comment.text);
      comment = comment.previousSibling;
    }
    const preamble = text.join('\n');
    for (const match of preamble.matchAll(/\btypedef\b([^;]*);/g)) {
      const body = match[1];
      const pointer = /\(\s*\*\s*(\w+)\s*\)\s*\(/.exec(body);
      const name = pointer ? pointer[1] : /(\w+)\s*(?:\[[^\]]*\]\s*)*$/.exec(body.trim())?.[1];
      if (name) names.add(name);
    }
  }
  return names;
}

/** `C.int`, `C.size_t`, `C.struct_x`, a preamble typedef: a name that denotes a C type, not a function. */
export function isCTypeName(name: string, typedefs: ReadonlySet<string> = new Set()): boolean {
  return (
    C_SCALAR_TYPES.has(name) ||
    typedefs.has(name) ||
    /^(?:struct|union|enum)_/.test(name) ||
    /^u?int(?:8|16|32|64|ptr|max)?_t$|_t$/.test(name)
  );
}

/**
 * A call that really crosses into C: `C.name(...)` where `name` is a C function (or `C.CString`,
 * `C.CBytes`, which call malloc), not a conversion to a C type and not one of cgo's Go-side copies.
 * Returns the C function's name.
 */
export function crossingCFunction(call: Node, typedefs: ReadonlySet<string> = new Set()): string | undefined {
  const name = calledCFunction(call);
  if (name === undefined || NO_CROSSING.has(name) || isCTypeName(name, typedefs)) return undefined;
  return name;
}
