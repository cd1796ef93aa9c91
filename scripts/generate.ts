import * as fs from 'node:fs';
import * as path from 'node:path';
import { ALL_RULES } from '../server/rules';
import { projectConfigSchema, ruleSettingProperties, withRulesTable } from './catalogue';

/**
 * `npm run generate`: rewrites the README rules table, the ffiLens.rules settings schema and the
 * .ffilens.json schema.
 */
const root = path.resolve(__dirname, '../..');
const readmePath = path.join(root, 'README.md');
fs.writeFileSync(readmePath, withRulesTable(fs.readFileSync(readmePath, 'utf8'), ALL_RULES));
const manifestPath = path.join(root, 'package.json');
const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8'));
manifest.contributes.configuration.properties['ffiLens.rules'].properties = ruleSettingProperties(ALL_RULES);
fs.writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
fs.mkdirSync(path.join(root, 'schemas'), { recursive: true });
fs.writeFileSync(path.join(root, 'schemas', 'ffilens.schema.json'), `${JSON.stringify(projectConfigSchema(ALL_RULES), null, 2)}\n`);
process.stdout.write(`generated the catalogue of ${ALL_RULES.length} rules in README.md, package.json and schemas/ffilens.schema.json\n`);
