import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { IgnoreMatcher, withProjectRules, type ProjectConfig, type ProjectConfigs } from '../engine/project-config';
import { parseSettings, type EngineSettings } from '../engine/settings';

/** What applies to one document: the layered settings and whether it is excluded altogether. */
export interface DocumentSettings {
  settings: EngineSettings;
  /** Excluded by `.ffilens.json` "ignore" or the `ffiLens.ignore` setting: no diagnostics, not indexed. */
  ignored: boolean;
}

/** The `ffiLens.ignore` setting: .gitignore-style patterns; anything malformed is dropped with a warning. */
function parseIgnore(raw: unknown, warn: (message: string) => void): string[] {
  const value = (typeof raw === 'object' && raw !== null ? (raw as { ignore?: unknown }).ignore : undefined) ?? [];
  if (!Array.isArray(value)) {
    warn('ignored setting ffiLens.ignore: expected an array of .gitignore-style patterns');
    return [];
  }
  return value.filter((pattern): pattern is string => {
    const ok = typeof pattern === 'string' && pattern.trim() !== '';
    if (!ok) warn(`ignored pattern in ffiLens.ignore: ${JSON.stringify(pattern)}`);
    return ok;
  });
}

function filePathOf(uri: string): string | undefined {
  try {
    return uri.startsWith('file:') ? fileURLToPath(uri) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Settings per document, fetched from the client (`workspace/configuration`, section `ffiLens`)
 * and cached until the client says they changed. Never a server global: folders may differ.
 *
 * Layers, lowest first: the rule defaults, the nearest `.ffilens.json` (shared with the CLI and
 * the team), then the editor's `ffiLens.rules` (user and workspace settings, already merged by
 * the client). A file is ignored when either the project config's "ignore" or the editor's
 * `ffiLens.ignore` (relative to the workspace folder) excludes it.
 */
export class SettingsStore {
  private readonly cache = new Map<string, Promise<DocumentSettings>>();
  private pushed: unknown;

  constructor(
    private readonly fetch: ((uri: string) => Promise<unknown>) | undefined,
    private readonly warn: (message: string) => void,
    private readonly configs?: ProjectConfigs,
    private readonly folders: () => readonly string[] = () => [],
    /** Told about every project config in use, to report its problems (it dedupes). */
    private readonly sawConfig: (config: ProjectConfig) => void = () => {},
  ) {}

  /** Settings pushed with didChangeConfiguration, for clients without workspace/configuration. */
  setPushed(settings: unknown): void {
    this.pushed = settings;
    this.cache.clear();
  }

  invalidate(): void {
    this.cache.clear();
  }

  forget(uri: string): void {
    this.cache.delete(uri);
  }

  async get(uri: string): Promise<EngineSettings> {
    return (await this.resolve(uri)).settings;
  }

  resolve(uri: string): Promise<DocumentSettings> {
    let settings = this.cache.get(uri);
    if (!settings) {
      settings = this.read(uri);
      this.cache.set(uri, settings);
    }
    return settings;
  }

  /** The workspace folder holding `file`, the deepest when folders nest. */
  folderOf(file: string): string | undefined {
    return this.folders()
      .filter((folder) => file === folder || file.startsWith(folder.endsWith(path.sep) ? folder : folder + path.sep))
      .sort((a, b) => b.length - a.length)[0];
  }

  /** A test for "is this file excluded?" over a whole folder, for indexing it. */
  async ignoredIn(folder: string): Promise<(file: string) => boolean> {
    const editor = new IgnoreMatcher(folder, await this.folderPatterns(folder, this.warn));
    return (file) => editor.ignores(file) || this.projectIgnores(file);
  }

  /** The editor's `ffiLens.ignore` patterns for a folder, to tell whether they changed. */
  ignorePatterns(folder: string): Promise<string[]> {
    return this.folderPatterns(folder, () => {});
  }

  private async folderPatterns(folder: string, warn: (message: string) => void): Promise<string[]> {
    try {
      return parseIgnore(await this.fetchRaw(pathToFileURL(folder).href), warn);
    } catch (error) {
      warn(`could not read ffiLens.ignore for ${folder}: ${(error as Error).message}`);
      return [];
    }
  }

  /**
   * Settings for the files of one folder, for a workspace scan: the editor's settings are asked
   * once for the folder (not once per file), the nearest `.ffilens.json` is layered per file.
   */
  async forFolder(folder: string): Promise<(file: string) => DocumentSettings> {
    return this.layered(await this.fetchOrDefaults(pathToFileURL(folder).href), folder);
  }

  private projectIgnores(file: string): boolean {
    const config = this.configs?.forFile(file);
    if (config) this.sawConfig(config);
    return config?.ignore.ignores(file) ?? false;
  }

  private async fetchRaw(uri: string): Promise<unknown> {
    if (!this.fetch) return this.pushed;
    return (await this.fetch(uri)) ?? this.pushed;
  }

  private async read(uri: string): Promise<DocumentSettings> {
    const raw = await this.fetchOrDefaults(uri);
    const file = filePathOf(uri);
    if (!file) return { settings: this.parsed(raw), ignored: false };
    return this.layered(raw, this.folderOf(file) ?? path.dirname(file))(file);
  }

  /** The editor's raw `ffiLens` settings for a scope; undefined (the defaults) when they cannot be read. */
  private async fetchOrDefaults(uri: string): Promise<unknown> {
    try {
      return await this.fetchRaw(uri);
    } catch (error) {
      this.warn(`could not read ffiLens settings for ${uri}: ${(error as Error).message}; using defaults`);
      return undefined;
    }
  }

  /** The editor's settings, each malformed entry told and dropped. */
  private parsed(raw: unknown): EngineSettings {
    const { settings, problems } = parseSettings(raw);
    for (const problem of problems) this.warn(`ignored setting ffiLens.${problem}`);
    return settings;
  }

  /**
   * The layers for the files under `base`: the editor's settings (`raw`, with `ffiLens.ignore`
   * relative to `base`), then per file the nearest `.ffilens.json`.
   */
  private layered(raw: unknown, base: string): (file: string) => DocumentSettings {
    const settings = this.parsed(raw);
    const editorIgnore = new IgnoreMatcher(base, parseIgnore(raw, this.warn));
    return (file) => {
      const config = this.configs?.forFile(file);
      if (config) this.sawConfig(config);
      return {
        settings: withProjectRules(settings, config),
        ignored: editorIgnore.ignores(file) || (config?.ignore.ignores(file) ?? false),
      };
    };
  }
}
