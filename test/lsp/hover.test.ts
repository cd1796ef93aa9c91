import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, describe, test } from 'node:test';
import { KnowledgeBase } from '../../server/content/knowledge-base';
import { Engine } from '../../server/engine/engine';
import { detectLanguage } from '../../server/engine/languages';
import { hoverMarkdown } from '../../server/lsp/hover';
import { DEFAULT_SETTINGS } from '../../server/engine/settings';
import { ALL_RULES } from '../../server/rules';
import { fixtureWorkspace, listFixtures } from '../support/fixtures';
import { FIXTURES, REPO_ROOT } from '../support/paths';

/** What a user reads on hover, per rule, as a reviewed snapshot (UPDATE_SNAPSHOTS=1 rewrites). */
const contentRoot = path.join(REPO_ROOT, 'content');
const knowledge = new KnowledgeBase(contentRoot);
const engine = new Engine(ALL_RULES);
after(() => engine.dispose());

describe('hover text snapshots', () => {
  for (const rule of ALL_RULES) {
    test(rule.id, async () => {
      const fixture = listFixtures().find((relative) => relative.startsWith(`${rule.id}${path.sep}fires`));
      assert.ok(fixture, `no fires.* fixture for ${rule.id}`);
      const file = path.join(FIXTURES, fixture);
      const text = fs.readFileSync(file, 'utf8');
      const { findings } = await engine.analyzeText(file, detectLanguage(file, text)!, text, DEFAULT_SETTINGS, fixtureWorkspace(fixture));
      const first = findings.find((f) => f.ruleId === rule.id);
      assert.ok(first, `${fixture} produced no ${rule.id} finding`);
      const markdown = hoverMarkdown([first], knowledge).split(pathToFileURL(contentRoot).href).join('<content>');
      const snapshot = path.join(REPO_ROOT, 'test', 'snapshots', 'hover', `${rule.id.replace('/', '--')}.md`);
      if (process.env.UPDATE_SNAPSHOTS) fs.writeFileSync(snapshot, `${markdown}\n`);
      assert.ok(fs.existsSync(snapshot), `no snapshot ${path.relative(REPO_ROOT, snapshot)}: run npm run update-snapshots and review it`);
      assert.equal(`${markdown}\n`, fs.readFileSync(snapshot, 'utf8'));
    });
  }
});
