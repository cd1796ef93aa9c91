import * as path from 'node:path';
import { Language, Parser } from 'web-tree-sitter';
import type { LanguageId } from './languages';

/** The grammar package and `.wasm` file that each language is parsed with. */
const GRAMMAR_WASM: Readonly<Record<LanguageId, string>> = {
  python: 'tree-sitter-python/tree-sitter-python.wasm',
  go: 'tree-sitter-go/tree-sitter-go.wasm',
  java: 'tree-sitter-java/tree-sitter-java.wasm',
  rust: 'tree-sitter-rust/tree-sitter-rust.wasm',
  c: 'tree-sitter-c/tree-sitter-c.wasm',
  cpp: 'tree-sitter-cpp/tree-sitter-cpp.wasm',
  json: 'tree-sitter-json/tree-sitter-json.wasm',
};

export class GrammarLoadError extends Error {
  constructor(
    readonly language: LanguageId,
    cause: unknown,
  ) {
    super(`could not load the ${language} grammar: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}

/**
 * Where the `.wasm` files live. By default they are resolved from the installed npm packages;
 * a bundled build (the .vsix) sets a directory holding copies of the same files.
 */
let wasmDirectory: string | undefined;

export function useWasmDirectory(directory: string): void {
  wasmDirectory = directory;
}

function locateWasm(packagePath: string): string {
  return wasmDirectory ? path.join(wasmDirectory, path.basename(packagePath)) : require.resolve(packagePath);
}

let runtimeReady: Promise<void> | undefined;
const languages = new Map<LanguageId, Promise<Language>>();

function initRuntime(): Promise<void> {
  runtimeReady ??= Parser.init({
    locateFile: (file: string) => locateWasm(`web-tree-sitter/${file}`),
  });
  return runtimeReady;
}

/** Loads a grammar on first use; later calls share the same Language for the whole process. */
export function loadLanguage(id: LanguageId): Promise<Language> {
  let loading = languages.get(id);
  if (!loading) {
    loading = initRuntime()
      .then(() => Language.load(locateWasm(GRAMMAR_WASM[id])))
      .catch((error: unknown) => {
        languages.delete(id); // a later call may try again (e.g. after a reinstall)
        throw new GrammarLoadError(id, error);
      });
    languages.set(id, loading);
  }
  return loading;
}

/** The package-relative path of every `.wasm` file the engine can load (for bundling). */
export function wasmFiles(): string[] {
  return ['web-tree-sitter/web-tree-sitter.wasm', ...Object.values(GRAMMAR_WASM)];
}
