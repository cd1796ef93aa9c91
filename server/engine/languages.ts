/**
 * The languages FFI Lens parses. C and C++ are distinct grammars. `json` is read only in npm
 * manifests (files named exactly `package.json`), for how a native addon is packaged.
 */
export type LanguageId = 'python' | 'go' | 'java' | 'rust' | 'c' | 'cpp' | 'json';

export const ALL_LANGUAGES: readonly LanguageId[] = ['python', 'go', 'java', 'rust', 'c', 'cpp', 'json'];

/** Files read as a whole by name rather than by extension: no other `.json` file is checked. */
const LANGUAGE_BY_FILE_NAME: ReadonlyMap<string, LanguageId> = new Map([['package.json', 'json']]);

const LANGUAGE_BY_EXTENSION: Readonly<Record<string, LanguageId>> = {
  '.py': 'python',
  '.pyi': 'python',
  '.go': 'go',
  '.java': 'java',
  '.rs': 'rust',
  '.c': 'c',
  '.h': 'c', // refined by detectHeaderLanguage
  '.cc': 'cpp',
  '.cpp': 'cpp',
  '.cxx': 'cpp',
  '.hpp': 'cpp',
  '.hh': 'cpp',
};

export const CPP_SOURCE_EXTENSIONS: readonly string[] = ['.cc', '.cpp', '.cxx', '.hpp', '.hh'];

/** Lower-cased extension including the dot, or '' when the name has none. */
export function extensionOf(filePath: string): string {
  const slash = Math.max(filePath.lastIndexOf('/'), filePath.lastIndexOf('\\'));
  const dot = filePath.lastIndexOf('.');
  return dot > slash ? filePath.slice(dot).toLowerCase() : '';
}

/** The last segment of a path, `/` or `\\` separated. */
export function fileNameOf(filePath: string): string {
  return filePath.slice(Math.max(filePath.lastIndexOf('/'), filePath.lastIndexOf('\\')) + 1);
}

/** Glob patterns of every file FFI Lens reads as source (for an editor's file watcher). */
export function sourceGlobPatterns(): string[] {
  const extensions = Object.keys(LANGUAGE_BY_EXTENSION).map((extension) => extension.slice(1));
  return [`**/*.{${extensions.join(',')}}`, ...[...LANGUAGE_BY_FILE_NAME.keys()].map((name) => `**/${name}`)];
}

export function isSupportedPath(filePath: string): boolean {
  return extensionOf(filePath) in LANGUAGE_BY_EXTENSION || LANGUAGE_BY_FILE_NAME.has(fileNameOf(filePath));
}

/**
 * C++-only syntax at the start of a line (or `std::`/`::` qualification anywhere). A C header
 * that merely wraps itself in `extern "C"` for C++ callers does not count: that guard is C.
 */
const CPP_SYNTAX =
  /^[ \t]*(?:namespace\s+[\w:]*\s*\{|template\s*<|using\s+namespace\b|class\s+\w+[^;{]*\{|(?:public|private|protected)\s*:)|\bstd::|\w+::~?\w+\s*\(/m;

/**
 * The language of a file, by name (`package.json`) or extension. A `.h` is C unless it contains C++-only syntax or sits
 * beside C++ sources (`siblingsAreCpp`, asked lazily since it needs the file system).
 */
export function detectLanguage(
  filePath: string,
  text: string,
  siblingsAreCpp: () => boolean = () => false,
): LanguageId | undefined {
  const byName = LANGUAGE_BY_FILE_NAME.get(fileNameOf(filePath));
  if (byName) return byName;
  const extension = extensionOf(filePath);
  const language = LANGUAGE_BY_EXTENSION[extension];
  if (extension !== '.h') return language;
  return CPP_SYNTAX.test(text) || siblingsAreCpp() ? 'cpp' : 'c';
}
