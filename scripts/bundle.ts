import * as fs from 'node:fs';
import * as path from 'node:path';
import { build } from 'esbuild';
import { wasmFiles } from '../server/engine/grammars';

/**
 * Builds what the .vsix ships in `dist/`: the client and the language server as one file each
 * (all npm dependencies inlined, `vscode` left to the host) and the `.wasm` files the engine loads.
 * Usage: node out/scripts/bundle.js
 */
const ROOT = path.resolve(__dirname, '../..');
const DIST = path.join(ROOT, 'dist');

/** The npm package a bundled input path belongs to (`vscode-languageclient`, `@scope/name`), if any. */
function packageOf(input: string): string | undefined {
  return /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1];
}

/** Every bundled package's licence text: minifying drops the headers, the notices must stay. */
function thirdPartyNotices(inputs: readonly string[]): string {
  const packages = [...new Set(inputs.map(packageOf).filter((name): name is string => name !== undefined))].sort();
  return packages
    .map((name) => {
      const directory = path.join(ROOT, 'node_modules', name);
      const manifest = JSON.parse(fs.readFileSync(path.join(directory, 'package.json'), 'utf8')) as { version: string; license?: string };
      const licenceFile = fs.readdirSync(directory).find((file) => /^(?:licen[cs]e|copying)(?:\.\w+)?$/i.test(file));
      const text = licenceFile ? fs.readFileSync(path.join(directory, licenceFile), 'utf8').trim() : `License: ${manifest.license ?? 'unknown'}`;
      return `${name} ${manifest.version}\n${'-'.repeat(name.length + manifest.version.length + 1)}\n${text}\n`;
    })
    .join('\n');
}

async function main(): Promise<void> {
  fs.rmSync(DIST, { recursive: true, force: true });
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: { extension: 'client/src/extension.ts', server: 'server/lsp/bundle-main.ts' },
    outdir: DIST,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: ['vscode'],
    // The CommonJS build of web-tree-sitter: its ES module build locates itself with
    // `import.meta.url`, which a CommonJS bundle leaves undefined.
    alias: { 'web-tree-sitter': require.resolve('web-tree-sitter') },
    minify: true,
    legalComments: 'none', // the licences go to THIRD-PARTY-NOTICES.txt, whole
    metafile: true,
    logLevel: 'warning',
  });
  for (const file of wasmFiles()) {
    fs.copyFileSync(require.resolve(file), path.join(DIST, path.basename(file)));
  }
  const shipped = [...Object.keys(result.metafile.inputs), ...wasmFiles().map((file) => `node_modules/${file}`)];
  fs.writeFileSync(path.join(DIST, 'THIRD-PARTY-NOTICES.txt'), thirdPartyNotices(shipped));
  const sizes = fs
    .readdirSync(DIST)
    .sort()
    .map((name) => `${name} ${(fs.statSync(path.join(DIST, name)).size / 1024).toFixed(0)} KiB`);
  process.stdout.write(`dist/: ${sizes.join(', ')}\n`);
  if (Object.keys(result.metafile.outputs).length === 0) throw new Error('esbuild wrote nothing');
}

main().catch((error: unknown) => {
  process.stderr.write(`bundle failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
