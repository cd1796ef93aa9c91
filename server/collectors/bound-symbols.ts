import type { WorkspaceFacts } from '../engine/workspace';
import { CFFI_SYMBOL } from './cffi-symbols';
import { CGO_SYMBOL } from './cgo-symbols';
import { CTYPES_SYMBOL } from './ctypes-symbols';
import { PANAMA_SYMBOL } from './panama-symbols';
import { RUST_EXTERN_SYMBOL } from './rust-extern-symbols';

/** The facts that say a binding finds a C symbol by its plain name, and how each fails when it is mangled. */
const BOUND_SYMBOLS: readonly { kind: string; binding: string; failure: string }[] = [
  { kind: CTYPES_SYMBOL, binding: 'ctypes', failure: 'the attribute lookup raises AttributeError (undefined symbol)' },
  { kind: CFFI_SYMBOL, binding: 'a cffi cdef', failure: 'cffi reports the function as not found in the library, or the extension fails to link' },
  { kind: CGO_SYMBOL, binding: 'cgo', failure: 'the Go build fails to link (undefined reference)' },
  { kind: RUST_EXTERN_SYMBOL, binding: 'a Rust extern block', failure: 'the Rust build fails to link (undefined reference)' },
  { kind: PANAMA_SYMBOL, binding: 'a Panama SymbolLookup', failure: 'find() returns an empty Optional' },
];

/** The first binding of the workspace that looks `name` up by name, with the file that does. */
export function boundSymbolOf(name: string, workspace: WorkspaceFacts): { binding: string; failure: string; file: string } | undefined {
  for (const { kind, binding, failure } of BOUND_SYMBOLS) {
    const [file] = workspace.filesWith(kind, name);
    if (file) return { binding, failure, file };
  }
  return undefined;
}
