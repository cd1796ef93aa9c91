import * as path from 'node:path';
import { RUST_C_LIBRARY, RUST_CRATE, RUST_USES_BINDGEN } from '../../collectors/cargo-crates';
import type { WorkspaceFacts } from '../../engine/workspace';

/** What the workspace's Cargo.toml files say about the crate a Rust file belongs to. */
export interface CrateFacts {
  dir: string;
  /** `crate-type` includes cdylib or staticlib: C links this crate. */
  buildsCLibrary: boolean;
  usesBindgen: boolean;
}

/** The crate of `filePath`: the nearest enclosing directory with a Cargo.toml, if the workspace has one. */
export function crateOf(filePath: string, workspace: WorkspaceFacts): CrateFacts | undefined {
  for (let dir = path.dirname(filePath); ; dir = path.dirname(dir)) {
    if (workspace.has(RUST_CRATE, dir)) {
      return { dir, buildsCLibrary: workspace.has(RUST_C_LIBRARY, dir), usesBindgen: workspace.has(RUST_USES_BINDGEN, dir) };
    }
    if (path.dirname(dir) === dir) return undefined;
  }
}
