import { SEVERITIES, type Rule, type Severity } from './rule';

export type RuleSetting = Severity | 'off';

/** What a user can configure, from the editor's settings or a project file. */
export interface EngineSettings {
  enable: boolean;
  /** Per rule id: 'off' or a severity that replaces the rule's default. */
  rules: Readonly<Record<string, RuleSetting>>;
  /** Files larger than this are skipped with a notice (a tree costs ~20 bytes of WASM per byte). */
  maxFileBytes: number;
  /** Report suppression comments (or rule ids in them) that suppress nothing. */
  reportUnusedDirectives: boolean;
}

export const DEFAULT_SETTINGS: EngineSettings = {
  enable: true,
  rules: {},
  maxFileBytes: 4 * 1024 * 1024,
  reportUnusedDirectives: false,
};

export function isRuleSetting(value: unknown): value is RuleSetting {
  return value === 'off' || (SEVERITIES as readonly unknown[]).includes(value);
}

/** The severity a rule reports at under these settings, or undefined when it is off. */
export function effectiveSeverity(rule: Rule, settings: EngineSettings): Severity | undefined {
  const setting = settings.rules[rule.id];
  if (setting === 'off') return undefined;
  return setting ?? rule.severity;
}

/** Reads untrusted settings (JSON from a client or a file), keeping only well-formed values. */
export function parseSettings(raw: unknown): { settings: EngineSettings; problems: string[] } {
  const problems: string[] = [];
  const input = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const rules: Record<string, RuleSetting> = {};
  if (typeof input.rules === 'object' && input.rules !== null) {
    for (const [id, value] of Object.entries(input.rules as Record<string, unknown>)) {
      if (isRuleSetting(value)) rules[id] = value;
      else problems.push(`rules.${id}: expected "off" or one of ${SEVERITIES.join(', ')}`);
    }
  }
  const maxFileBytes =
    typeof input.maxFileBytes === 'number' && input.maxFileBytes > 0 ? input.maxFileBytes : DEFAULT_SETTINGS.maxFileBytes;
  const reportUnusedDirectives = input.reportUnusedDirectives === true;
  return { settings: { enable: input.enable !== false, rules, maxFileBytes, reportUnusedDirectives }, problems };
}
