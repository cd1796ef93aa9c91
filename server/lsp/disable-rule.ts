import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { WorkspaceEdit } from 'vscode-languageserver/node';
import { PROJECT_CONFIG_FILE, type ProjectConfigs } from '../engine/project-config';

/**
 * "Disable this rule in settings" for editors other than VS Code (which edits its own workspace
 * settings instead): the rule is set to "off" in the `.ffilens.json` that governs the file, or in
 * a new one at the root of its workspace folder. The change is a WorkspaceEdit, so the editor
 * shows it, can undo it, and saves it like any other edit.
 */
export function disableRuleInProjectConfig(
  configs: ProjectConfigs,
  file: string,
  folder: string | undefined,
  ruleId: string,
  canCreateFiles: boolean,
): { edit: WorkspaceEdit; configFile: string } | { error: string } {
  const existing = configs.forFile(file);
  if (existing) {
    let text: string;
    let parsed: unknown;
    try {
      text = fs.readFileSync(existing.file, 'utf8');
      parsed = JSON.parse(text.replace(/^\uFEFF/, ''));
    } catch (error) {
      return { error: `cannot update ${existing.file}: ${(error as Error).message}; fix the file first` };
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      return { error: `cannot update ${existing.file}: it is not a JSON object` };
    }
    const config = parsed as Record<string, unknown>;
    const rules = typeof config.rules === 'object' && config.rules !== null && !Array.isArray(config.rules) ? config.rules : {};
    const updated = { ...config, rules: { ...rules, [ruleId]: 'off' } };
    const lines = text.split('\n');
    const end = { line: lines.length - 1, character: lines[lines.length - 1].length };
    return {
      configFile: existing.file,
      edit: {
        changes: {
          [pathToFileURL(existing.file).href]: [{ range: { start: { line: 0, character: 0 }, end }, newText: `${JSON.stringify(updated, null, 2)}\n` }],
        },
      },
    };
  }
  if (!canCreateFiles) return { error: `create ${PROJECT_CONFIG_FILE} with { "rules": { "${ruleId}": "off" } } to disable the rule (this editor cannot create files through the language server)` };
  const configFile = path.join(folder ?? path.dirname(file), PROJECT_CONFIG_FILE);
  const uri = pathToFileURL(configFile).href;
  return {
    configFile,
    edit: {
      documentChanges: [
        { kind: 'create', uri, options: { ignoreIfExists: true } },
        {
          textDocument: { uri, version: null },
          edits: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: `${JSON.stringify({ rules: { [ruleId]: 'off' } }, null, 2)}\n` }],
        },
      ],
    },
  };
}
