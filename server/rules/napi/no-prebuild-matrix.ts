import * as path from 'node:path';
import { handlesPlatformMatrix, sourceBuildAtInstall } from '../../analysis/npm/native-addon-packaging';
import { isTrue, readPackageManifest, stringValue } from '../../analysis/npm/package-manifest';
import { NODE_GYP_PROJECT } from '../../collectors/node-gyp-projects';
import { defineRule } from '../../engine/rule';

export default defineRule({
  id: 'napi/no-prebuild-matrix',
  languages: ['json'],
  severity: 'info',
  questions: [35],
  description:
    'The package.json of a native addon (binding.gyp beside it, "gypfile" or a node-gyp install script) that publishes no prebuilt binaries per platform, so installing it needs a compiler toolchain.',
  messages: {
    noPrebuilds:
      '`{{name}}` compiles its native addon at install ({{how}}) and ships no prebuilt binaries: N-API spares a rebuild per Node version, not per platform, so users without a compiler toolchain cannot install it; publish prebuilds per OS, arch and libc (prebuildify + node-gyp-build).',
  },
  fixable: false,
  triggers: ['{'],
  check(context) {
    const manifest = readPackageManifest(context.root);
    if (!manifest || isTrue(manifest, 'private') || handlesPlatformMatrix(manifest)) return;
    // npm's implicit `node-gyp rebuild` is known from the binding.gyp fact, read only once the index is complete.
    const hasBindingGyp = context.workspace.complete && context.workspace.has(NODE_GYP_PROJECT, path.dirname(context.filePath));
    const build = sourceBuildAtInstall(manifest, hasBindingGyp);
    if (!build) return;
    const name = stringValue(manifest.fields.get('name')?.value) ?? path.basename(path.dirname(context.filePath));
    context.report({ node: build.node, messageId: 'noPrebuilds', data: { name, how: build.how } });
  },
});
