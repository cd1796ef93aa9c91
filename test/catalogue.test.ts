import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { projectConfigSchema, ruleSettingProperties, withRulesTable } from '../scripts/catalogue';
import { DEFAULT_SETTINGS } from '../server/engine/settings';
import { ALL_RULES } from '../server/rules';
import { REPO_ROOT } from './support/paths';

const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
const settings = manifest.contributes.configuration.properties as Record<string, { default?: unknown; properties?: unknown }>;

describe('catalogue: generated text is in step with the registry (run `npm run generate`)', () => {
  test('README rules table', () => {
    const readme = fs.readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
    assert.equal(readme, withRulesTable(readme, ALL_RULES));
  });
  test('package.json ffiLens.rules schema', () => {
    assert.deepEqual(settings['ffiLens.rules'].properties, ruleSettingProperties(ALL_RULES));
  });
  test('schemas/ffilens.schema.json, declared for .ffilens.json files', () => {
    const schema = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'schemas', 'ffilens.schema.json'), 'utf8'));
    assert.deepEqual(schema, projectConfigSchema(ALL_RULES));
    assert.deepEqual(manifest.contributes.jsonValidation, [{ fileMatch: '.ffilens.json', url: './schemas/ffilens.schema.json' }]);
  });
  test('every message names the concrete thing (has a {{placeholder}}) and fits on one line', () => {
    for (const rule of ALL_RULES) {
      for (const [id, message] of Object.entries(rule.messages)) {
        assert.match(message, /\{\{\s*\w+\s*\}\}/, `${rule.id} message ${id}`);
        assert.ok(!message.includes('\n') && message.length <= 300, `${rule.id} message ${id} is one short line`);
      }
    }
  });
  test('rule ids are unique', () => {
    assert.equal(new Set(ALL_RULES.map((rule) => rule.id)).size, ALL_RULES.length);
  });
});

describe('settings: package.json declares exactly the engine settings, with the same defaults', () => {
  test('keys', () => {
    const engineKeys = Object.keys(DEFAULT_SETTINGS).map((key) => `ffiLens.${key}`);
    // ffiLens.ignore is the server's (which files to check at all), not the engine's.
    assert.deepEqual(Object.keys(settings).sort(), [...engineKeys, 'ffiLens.ignore', 'ffiLens.trace.server'].sort());
    assert.deepEqual(settings['ffiLens.ignore'].default, []);
  });
  test('defaults', () => {
    for (const [key, value] of Object.entries(DEFAULT_SETTINGS)) {
      assert.deepEqual(settings[`ffiLens.${key}`].default, value, key);
    }
  });
  test('commands and activation', () => {
    const titles = manifest.contributes.commands.map((c: { category: string; title: string }) => `${c.category}: ${c.title}`);
    assert.ok(titles.includes('FFI Lens: Open Related Interview Question'));
    for (const language of ['python', 'go', 'java', 'rust', 'c', 'cpp']) {
      assert.ok(manifest.activationEvents.includes(`onLanguage:${language}`), language);
    }
    // package.json is checked, but activating on every JSON file would be too eager: a native
    // addon's workspace is recognised by its binding.gyp
    assert.ok(!manifest.activationEvents.includes('onLanguage:json'));
    assert.ok(manifest.activationEvents.includes('workspaceContains:**/binding.gyp'));
  });
});
