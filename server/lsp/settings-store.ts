import { parseSettings, type EngineSettings, DEFAULT_SETTINGS } from '../engine/settings';

/**
 * Settings per document, fetched from the client (`workspace/configuration`, section `ffiLens`)
 * and cached until the client says they changed. Never a server global: folders may differ.
 */
export class SettingsStore {
  private readonly cache = new Map<string, Promise<EngineSettings>>();
  private pushed: unknown;

  constructor(
    private readonly fetch: ((uri: string) => Promise<unknown>) | undefined,
    private readonly warn: (message: string) => void,
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

  get(uri: string): Promise<EngineSettings> {
    let settings = this.cache.get(uri);
    if (!settings) {
      settings = this.read(uri);
      this.cache.set(uri, settings);
    }
    return settings;
  }

  private async read(uri: string): Promise<EngineSettings> {
    let raw: unknown = this.pushed;
    if (this.fetch) {
      try {
        raw = (await this.fetch(uri)) ?? this.pushed;
      } catch (error) {
        this.warn(`could not read ffiLens settings for ${uri}: ${(error as Error).message}; using defaults`);
        return DEFAULT_SETTINGS;
      }
    }
    const { settings, problems } = parseSettings(raw);
    for (const problem of problems) this.warn(`ignored setting ffiLens.${problem}`);
    return settings;
  }
}
