import type { Node } from 'web-tree-sitter';
import { isTrue, stringElements, type PackageManifest } from './package-manifest';

/** How a package compiles its native addon on the user's machine, and the manifest node that says so. */
export interface SourceBuild {
  node: Node;
  how: string;
}

/**
 * A lifecycle script step that compiles the addon: node-gyp or cmake-js (options may come before
 * the command: `node-gyp -j max rebuild`). The text before it tells whether it is a fallback.
 */
const COMPILES = /(?:^|[\s;&|(])(?:npx\s+)?((?:node-gyp|cmake-js)(?![\w-])[^;&|]*?\s(?:rebuild|build|configure|compile)\b)/;

/**
 * How installing the package compiles its addon: an install script that runs node-gyp (or
 * cmake-js), `"gypfile": true`, or npm's default `node-gyp rebuild` for a package with a
 * binding.gyp (`hasBindingGyp`) and no install script of its own. Undefined when nothing is built
 * at install, or when a custom install script (which may download binaries) decides.
 */
export function sourceBuildAtInstall(manifest: PackageManifest, hasBindingGyp: boolean): SourceBuild | undefined {
  for (const phase of ['preinstall', 'install', 'postinstall']) {
    const script = manifest.scripts.get(phase);
    const compile = script && COMPILES.exec(script.command);
    if (!script || !compile) continue;
    // `fetch-binary || node-gyp rebuild`: a binary is tried first, compiling is the fallback
    if (script.command.slice(0, compile.index).includes('||')) return undefined;
    return { node: script.key, how: `its ${phase} script runs \`${compile[1].replace(/\s+/g, ' ')}\`` };
  }
  // npm builds a binding.gyp itself only when the package has no install or preinstall script.
  if (manifest.scripts.has('install') || manifest.scripts.has('preinstall')) return undefined;
  const gypfile = manifest.fields.get('gypfile');
  if (gypfile?.value.type === 'false') return undefined;
  if (gypfile && isTrue(manifest, 'gypfile')) return { node: gypfile.key, how: '`"gypfile": true`' };
  if (hasBindingGyp) return { node: manifest.fields.get('name')?.key ?? manifest.root, how: 'npm runs `node-gyp rebuild` on its binding.gyp' };
  return undefined;
}

/** Packages that build, publish or load prebuilt binaries (prebuildify, node-pre-gyp and their forks, napi-rs). */
const PREBUILD_PACKAGE = /^(?:@[\w.-]+\/)?(?:node-pre-gyp(?:-[\w-]+)?|prebuild(?:ify)?(?:-[\w-]+)?|node-gyp-build(?:-[\w-]+)?|pkg-prebuilds|install-artifact-from-github)$/;
/** The same tools run from a script (`npm run prebuild` is a script name, not the tool). */
const PREBUILD_COMMAND =
  /(?<!\brun\s+)(?<![\w@-])(?:prebuildify(?:-[\w-]+)?|prebuild-install|prebuild|node-pre-gyp|node-gyp-build(?:-[\w-]+)?|pkg-prebuilds-\w+|install-from-cache|napi\s+(?:build|prepublish|artifacts))(?![\w-])/;
/** Per-platform binary packages (`@scope/pkg-linux-x64-gnu`), as napi-rs and esbuild publish. */
const PLATFORM_PACKAGE = /(?:^|[-/._@])(?:linux|darwin|win32|windows|freebsd|openbsd|android|macos|sunos|aix)(?:$|[-._])/i;
/** Fields of prebuild tools (node-pre-gyp's `binary`, napi-rs's `napi`) and platform restrictions. */
const PLATFORM_FIELDS = ['binary', 'napi', 'os', 'cpu', 'libc'];

/**
 * The package ships or fetches binaries per platform, or at least declares which platforms it
 * runs on: prebuild tooling in its dependencies or scripts, prebuild fields, a `prebuilds`
 * folder in `files`, per-platform optional dependencies, or `os`/`cpu`/`libc`.
 */
export function handlesPlatformMatrix(manifest: PackageManifest): boolean {
  if (PLATFORM_FIELDS.some((field) => manifest.fields.has(field))) return true;
  if ([...manifest.dependencies].some((name) => PREBUILD_PACKAGE.test(name) || name === '@napi-rs/cli')) return true;
  if ([...manifest.optionalDependencies].some((name) => PLATFORM_PACKAGE.test(name))) return true;
  if ([...manifest.scripts.values()].some((script) => PREBUILD_COMMAND.test(script.command))) return true;
  return stringElements(manifest.fields.get('files')?.value).some((entry) => entry.includes('prebuilds'));
}
