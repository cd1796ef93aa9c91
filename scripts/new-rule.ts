import * as fs from 'node:fs';
import * as path from 'node:path';
import { ALL_LANGUAGES, type LanguageId } from '../server/engine/languages';

/**
 * `npm run new-rule -- <surface>/<hazard> <language>[,<language>] <question>[,<question>]`
 * creates the rule file, its two fixtures and its content page, and registers it: adding rule 41
 * is as easy as rule 4.
 */
const FIXTURE_EXTENSION: Record<LanguageId, string> = { python: 'py', go: 'go', java: 'java', rust: 'rs', c: 'c', cpp: 'cpp', json: 'json' };
const COMMENT: Record<LanguageId, string> = { python: '#', go: '//', java: '//', rust: '//', c: '//', cpp: '//', json: '//' };
/** JSON is read only in files named package.json: its fixtures are directories holding one. */
const fixtureFile = (language: LanguageId, kind: string) =>
  language === 'json' ? `${kind}/package.json` : `${kind}.${FIXTURE_EXTENSION[language]}`;

function fail(message: string): never {
  process.stderr.write(`new-rule: ${message}\nusage: npm run new-rule -- <surface>/<hazard> <language>[,...] <question>[,...]\n`);
  process.exit(2);
}

const [id, languageList, questionList] = process.argv.slice(2);
if (!id || !/^[a-z]+\/[a-z0-9]+(-[a-z0-9]+)*$/.test(id)) fail('the id must look like surface/hazard-name');
const languages = (languageList ?? '').split(',').filter(Boolean) as LanguageId[];
if (languages.length === 0 || languages.some((l) => !ALL_LANGUAGES.includes(l))) fail(`languages are among ${ALL_LANGUAGES.join(', ')}`);
const questions = (questionList ?? '').split(',').map(Number);
if (questions.some((q) => !Number.isInteger(q) || q < 1 || q > 40)) fail('questions are numbers from 1 to 40');

const root = path.resolve(__dirname, '../..');
const [surface, hazard] = id.split('/');
const identifier = id.replace(/[/-]([a-z0-9])/g, (_, c: string) => c.toUpperCase());
const write = (relative: string, text: string) => {
  const file = path.join(root, relative);
  if (fs.existsSync(file)) fail(`${relative} exists already`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  process.stdout.write(`created ${relative}\n`);
};

write(
  `server/rules/${surface}/${hazard}.ts`,
  `import { defineRule } from '../../engine/rule';

export default defineRule({
  id: '${id}',
  languages: [${languages.map((l) => `'${l}'`).join(', ')}],
  severity: 'warning',
  questions: [${questions.join(', ')}],
  description: 'TODO: one line saying what the rule finds.',
  messages: {
    found: 'TODO: name the concrete {{name}} and say what to do instead.',
  },
  fixable: false,
  triggers: ['TODO'],
  queries: {
    candidates: '(identifier) @name',
  },
  check(context) {
    for (const { node } of context.captures('candidates')) {
      if (node.text === 'TODO') context.report({ node, messageId: 'found', data: { name: node.text } });
    }
  },
});
`,
);
for (const language of languages) {
  write(`test/fixtures/${id}/${fixtureFile(language, 'fires')}`, `${COMMENT[language]} Code the rule must flag: mark each line with \`expect: ${id}\`.\n`);
  write(`test/fixtures/${id}/${fixtureFile(language, 'correct')}`, `${COMMENT[language]} Correct code and near-misses: the rule must stay silent on every line.\n`);
}
write(
  `content/rules/${id}.md`,
  `---\ntitle: ${id} — TODO\n---\n## Summary\n\n## What it finds\n\n## Why it is a hazard\n\n## Example\n\n## Use instead\n\n## Fix\n\n## Known blind spots\n\n## Related questions\n${questions.map((q) => `- [Q${q}](../../questions/Q${q}.md)`).join('\n')}\n`,
);
const registry = path.join(root, 'server/rules/index.ts');
let source = fs.readFileSync(registry, 'utf8');
source = source.replace(/(import type \{ Rule \} from '..\/engine\/rule';\n)/, `$1import ${identifier} from './${surface}/${hazard}';\n`);
source = source.replace(/(export const ALL_RULES: readonly Rule\[\] = \[[^\]]*?)(,?\s*\];)/s, (_, list: string) => `${list.trimEnd()},\n  ${identifier},\n];`);
fs.writeFileSync(registry, source);
process.stdout.write(`registered ${identifier} in server/rules/index.ts; next: write the check, the fixtures and the page, then npm run generate && npm test\n`);
