import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { Engine } from '../server/engine/engine';
import type { Finding } from '../server/engine/findings';
import { detectLanguage } from '../server/engine/languages';
import { applyFixes } from '../server/engine/fixes';
import { DEFAULT_SETTINGS } from '../server/engine/settings';
import { ALL_RULES } from '../server/rules';
import { readExpectations } from './support/expectations';
import { fixtureWorkspace, listFixtures } from './support/fixtures';
import { FIXTURES } from './support/paths';

const engine = new Engine(ALL_RULES, { warn: (message) => assert.fail(`a rule threw: ${message}`) });
after(() => engine.dispose());

async function analyzeFixture(relative: string): Promise<{ source: string; findings: Finding[] }> {
  const file = path.join(FIXTURES, relative);
  const source = fs.readFileSync(file, 'utf8');
  const language = detectLanguage(file, source);
  assert.ok(language, `no language for ${relative}`);
  const { findings } = await engine.analyzeText(file, language, source, DEFAULT_SETTINGS, fixtureWorkspace(relative));
  return { source, findings };
}

const fixtures = listFixtures();

describe('fixtures: findings match the inline expectations', () => {
  for (const relative of fixtures) {
    test(relative, async () => {
      const { source, findings } = await analyzeFixture(relative);
      const lines = source.split('\n');
      const expectations = readExpectations(source);
      const describeAt = (line: number, ruleId: string) => `  ${relative}:${line + 1} ${ruleId}    | ${lines[line]?.trim()}`;
      const expected = expectations.filter((e) => !e.todo).map((e) => `${e.line}\0${e.ruleId}`);
      const actual = findings.map((f) => `${f.range.start.line}\0${f.ruleId}`);
      const unexpected = actual.filter((key) => !expected.includes(key));
      const missing = expected.filter((key) => !actual.includes(key));
      const nowFiring = expectations.filter((e) => e.todo && actual.includes(`${e.line}\0${e.ruleId}`));
      const render = (keys: string[]) => keys.map((key) => describeAt(Number(key.split('\0')[0]), key.split('\0')[1])).join('\n');
      const problems = [
        unexpected.length ? `unexpected findings (add an expect: comment or fix the rule):\n${render(unexpected)}` : '',
        missing.length ? `expected findings that did not fire:\n${render(missing)}` : '',
        nowFiring.length ? `todo-expect now fires (make it expect:):\n${nowFiring.map((e) => describeAt(e.line, e.ruleId)).join('\n')}` : '',
      ].filter(Boolean);
      assert.equal(problems.join('\n'), '', problems.join('\n'));
      assert.equal(new Set(actual).size, actual.length, 'a rule reported the same line twice');
    });
  }
});

describe('fixtures: every rule has a must-fire and a must-stay-silent fixture', () => {
  for (const rule of ALL_RULES) {
    test(rule.id, () => {
      const inDirectory = fixtures.filter((relative) => relative.startsWith(`${rule.id}${path.sep}`));
      // Files of other languages may sit beside them as the fixture's workspace (the C that a
      // Java class binds); the fixtures proper are in the rule's own languages.
      const own = inDirectory.filter((relative) => rule.languages.includes(detectLanguage(relative, '')!));
      const firing = own.filter((relative) =>
        readExpectations(fs.readFileSync(path.join(FIXTURES, relative), 'utf8')).some((e) => e.ruleId === rule.id && !e.todo),
      );
      assert.ok(firing.length > 0, `test/fixtures/${rule.id}/ needs a fixture with "expect: ${rule.id}"`);
      assert.ok(own.length > firing.length, `test/fixtures/${rule.id}/ needs a correct-code fixture where it stays silent`);
      const snapshots = own.filter((relative) => fs.existsSync(path.join(FIXTURES, `${relative}.fixed`)));
      if (rule.fixable) assert.ok(snapshots.length > 0, `${rule.id} is fixable: add a fixture with a .fixed snapshot`);
      else assert.deepEqual(snapshots, [], `${rule.id} declares fixable: false but has fix snapshots`);
    });
  }
});

describe('fixtures: quick fixes produce the .fixed snapshot', () => {
  for (const relative of fixtures.filter((f) => fs.existsSync(path.join(FIXTURES, `${f}.fixed`)))) {
    test(relative, async () => {
      const { source, findings } = await analyzeFixture(relative);
      const fixes = findings.flatMap((finding) => (finding.fix ? [finding.fix] : []));
      for (const finding of findings.filter((f) => f.fix)) {
        assert.ok(ALL_RULES.find((rule) => rule.id === finding.ruleId)?.fixable, `${finding.ruleId} offers a fix but declares fixable: false`);
      }
      assert.ok(fixes.length > 0, 'a fixture with a .fixed snapshot must offer fixes');
      const fixed = applyFixes(source, fixes);
      const snapshot = path.join(FIXTURES, `${relative}.fixed`);
      if (process.env.UPDATE_SNAPSHOTS) fs.writeFileSync(snapshot, fixed);
      assert.equal(fixed, fs.readFileSync(snapshot, 'utf8'));
    });
  }
});
