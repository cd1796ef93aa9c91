import * as path from 'node:path';
import type { FactCollector } from '../engine/workspace';

/** Facts about Rust crates, keyed by the crate's directory (where its Cargo.toml is). */
export const RUST_CRATE = 'rust-crate';
/** The crate builds a library for C to link: `crate-type` includes cdylib or staticlib. */
export const RUST_C_LIBRARY = 'rust-c-library';
/** The crate generates bindings with bindgen (a build or normal dependency). */
export const RUST_USES_BINDGEN = 'rust-uses-bindgen';

/** The body of one `[section]` of a TOML file, up to the next section header. */
function section(toml: string, name: string): string {
  const start = toml.search(new RegExp(String.raw`^\[${name.replace('.', '\\.')}\]\s*$`, 'm'));
  if (start === -1) return '';
  const rest = toml.slice(start).split('\n').slice(1);
  const end = rest.findIndex((line) => /^\s*\[/.test(line));
  return (end === -1 ? rest : rest.slice(0, end)).join('\n');
}

export const cargoCrates: FactCollector = {
  kinds: [RUST_CRATE, RUST_C_LIBRARY, RUST_USES_BINDGEN],
  languages: [],
  fileNames: ['Cargo.toml'],
  triggers: ['['],
  collect(text, file) {
    const dir = path.dirname(file);
    const facts = [{ kind: RUST_CRATE, value: dir }];
    if (/crate[-_]type\s*=\s*\[[^\]]*"(?:cdylib|staticlib)"/.test(section(text, 'lib'))) facts.push({ kind: RUST_C_LIBRARY, value: dir });
    const dependencies = `${section(text, 'build-dependencies')}\n${section(text, 'dependencies')}`;
    if (/^\s*bindgen\s*=/m.test(dependencies) || /^\[(?:build-)?dependencies\.bindgen\]/m.test(text)) {
      facts.push({ kind: RUST_USES_BINDGEN, value: dir });
    }
    return facts;
  },
};
