import * as assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import type { Tree } from 'web-tree-sitter';
import { handlesPlatformMatrix, sourceBuildAtInstall } from '../../server/analysis/npm/native-addon-packaging';
import { readPackageManifest } from '../../server/analysis/npm/package-manifest';
import { parseSnippet } from '../support/parse';

/** The manifests' trees, freed when the suite ends (the manifests keep nodes of them). */
const trees: Tree[] = [];
after(() => {
  for (const tree of trees.splice(0)) tree.delete();
});

async function manifestOf(source: string) {
  const tree = await parseSnippet('json', source);
  trees.push(tree);
  const manifest = readPackageManifest(tree.rootNode);
  assert.ok(manifest, 'a JSON object');
  return manifest;
}

/** The package.json reader behind napi/no-prebuild-matrix. */
describe('package.json manifests', () => {
  test('fields are decoded like JSON.parse: escapes in keys, the last of repeated keys', async () => {
    const manifest = await manifestOf('{ "na\\u006de": "a", "scripts": { "install": "x" }, "scripts": { "install": "node-gyp   rebuild" } }');
    assert.ok(manifest.fields.has('name'));
    assert.equal(manifest.scripts.get('install')?.command, 'node-gyp   rebuild');
    assert.equal(sourceBuildAtInstall(manifest, false)?.how, 'its install script runs `node-gyp rebuild`');
  });
  test('the default node-gyp build needs a binding.gyp and no install script of its own', async () => {
    const plain = await manifestOf('{ "name": "a" }');
    assert.equal(sourceBuildAtInstall(plain, false), undefined);
    assert.equal(sourceBuildAtInstall(plain, true)?.node.text, '"name"');
    const custom = await manifestOf('{ "name": "a", "scripts": { "preinstall": "node check.js" } }');
    assert.equal(sourceBuildAtInstall(custom, true), undefined);
    const postinstall = await manifestOf('{ "name": "a", "scripts": { "postinstall": "node banner.js" } }');
    assert.ok(sourceBuildAtInstall(postinstall, true), 'a postinstall script does not replace the default build');
  });
  test('prebuild tooling, not the lifecycle name "prebuild"', async () => {
    assert.equal(handlesPlatformMatrix(await manifestOf('{ "scripts": { "prebuild": "rimraf build", "x": "npm run prebuild" } }')), false);
    assert.equal(handlesPlatformMatrix(await manifestOf('{ "scripts": { "prebuild": "npx prebuildify --napi" } }')), true);
    assert.equal(handlesPlatformMatrix(await manifestOf('{ "devDependencies": { "@mapbox/node-pre-gyp": "1" } }')), true);
    assert.equal(handlesPlatformMatrix(await manifestOf('{ "optionalDependencies": { "fsevents": "2" } }')), false);
    assert.equal(handlesPlatformMatrix(await manifestOf('{ "optionalDependencies": { "@x/core-linux-arm64-musl": "1" } }')), true);
  });
});
