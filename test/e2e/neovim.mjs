// A second real LSP client: Neovim (Debian's 0.7.2) runs `node bin/ffi-lens-server.js --stdio` on the fixture's Python
// file through nvim/lsp_client.lua; this script checks what Neovim saw.
// Usage: node test/e2e/neovim.mjs   (writes test/e2e/out/neovim/{client.json,result.json,workspace/,home/})
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { assert, Checks, copyWorkspace, E2E_DIR, FIX_LINE, FIXTURE_FILE, freshOut, killGroup, ROOT, RULE } from './lib.mjs';

const NVIM = process.env.NVIM_BIN || 'nvim';
const SERVER = path.join(ROOT, 'bin/ffi-lens-server.js');
const CHECKS = [
  'Neovim starts the server and receives pushed diagnostics',
  'hover names the rule and links Q14',
  'code actions: the quick fix and Open related interview question (Q14)',
  'executing ffiLens.openQuestion makes the server request window/showDocument for Q14.md',
  'applying the quick fix inserts the restype line and clears the diagnostic',
  'the server exits with 0 after shutdown/exit',
];

const checks = new Checks('neovim');
const { out, env } = freshOut('neovim');
const workspace = copyWorkspace(out);
const file = path.join(workspace, FIXTURE_FILE);
const clientJson = path.join(out, 'client.json');

let nvim;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, async () => {
    await killGroup(nvim, 2000);
    process.exit(1);
  });
}

// nvim's own group: the language server it starts is in it too, so a timeout stops both
const code = await new Promise((resolve) => {
  nvim = spawn(NVIM, ['--headless', '--clean', '-n', '-i', 'NONE', '-c', `luafile ${path.join(E2E_DIR, 'nvim/lsp_client.lua')}`, file], {
    cwd: workspace,
    env: { ...env, FFI_NODE: process.execPath, FFI_SERVER: SERVER, OUT: clientJson },
    stdio: ['ignore', fs.openSync(path.join(out, 'nvim.log'), 'w'), 'pipe'],
    detached: true,
  });
  let stderr = '';
  nvim.stderr.on('data', (chunk) => (stderr += chunk));
  const timer = setTimeout(async () => {
    checks.log('timed out after 90 s; stopping nvim');
    await killGroup(nvim, 2000);
  }, 90_000);
  nvim.on('error', (error) => resolve({ error }));
  nvim.on('exit', (exitCode, signal) => {
    clearTimeout(timer);
    resolve({ exitCode, signal, stderr });
  });
});
checks.log(`nvim exited: ${JSON.stringify({ code: code.exitCode, signal: code.signal })}${code.error ? ` ${code.error.message}` : ''}`);

let seen = {};
try {
  seen = JSON.parse(fs.readFileSync(clientJson, 'utf8'));
} catch (error) {
  checks.fail(CHECKS[0], `no ${clientJson}: ${error.message}; nvim stderr: ${code.stderr ?? ''}`);
}
if (seen.error) checks.log(`client error: ${seen.error}`);

if (seen.nvim) {
  await checks.check(CHECKS[0], () => {
    assert(seen.diagnostics?.length === 1, `expected 1 ffi-lens diagnostic, got ${JSON.stringify(seen.diagnostics)} (${seen.error ?? ''})`);
    const [d] = seen.diagnostics;
    assert(d.code === RULE, `code ${d.code}`);
    assert(d.severity === 1, `severity ${d.severity} (1 = error)`);
    assert(d.lnum === 3 && d.col === 23 && d.end_col === 35, `range ${d.lnum}:${d.col}-${d.end_lnum}:${d.end_col}, expected 3:23-3:35 (lib.foo_name)`);
    assert(/`lib\.foo_name` returns a pointer/.test(d.message), d.message);
    return `Neovim ${seen.nvim}: ${d.code} at ${d.lnum + 1}:${d.col + 1}`;
  });
  await checks.check(CHECKS[1], () => {
    const md = seen.hover?.contents?.value ?? '';
    assert(seen.hover?.contents?.kind === 'markdown', `hover: ${JSON.stringify(seen.hover)}`);
    assert(md.includes(`\`${RULE}\``), `hover lacks the rule id: ${md}`);
    const link = /\[Q14: ([^\]]+)\]\((file:\/\/[^)]+\/content\/questions\/Q14\.md)\)/.exec(md);
    assert(link, `hover lacks the Q14 link: ${md}`);
    assert(fs.existsSync(fileURLToPath(link[2])), `the hover links a missing page: ${link[2]}`);
    return `Q14: ${link[1]}`;
  });
  await checks.check(CHECKS[2], () => {
    const titles = Array.isArray(seen.code_actions) ? seen.code_actions.map((a) => a.title) : [];
    const want = [
      'Declare lib.foo_name.restype = ctypes.c_void_p',
      'Open related interview question (Q14)',
      `Disable ${RULE} for this line`,
      `Disable ${RULE} in .ffilens.json`,
    ];
    assert(JSON.stringify(titles) === JSON.stringify(want), `titles ${JSON.stringify(titles)}`);
    assert(seen.code_actions[0].isPreferred === true, 'the quick fix is not marked preferred');
    return titles.join(' | ');
  });
  await checks.check(CHECKS[3], () => {
    const shown = seen.shown_documents ?? [];
    assert(shown.length === 1 && /\/content\/questions\/Q14\.md$/.test(shown[0]), `showDocument: ${JSON.stringify(shown)}; executeCommand: ${JSON.stringify(seen.execute_command)}`);
    assert(fs.existsSync(fileURLToPath(shown[0])), `missing page ${shown[0]}`);
    return shown[0].replace(`file://${ROOT}/`, '');
  });
  await checks.check(CHECKS[4], () => {
    const lines = seen.lines_after_fix ?? [];
    const cdll = lines.findIndex((l) => l.includes('ctypes.CDLL('));
    assert(seen.applied === 'Declare lib.foo_name.restype = ctypes.c_void_p', `applied ${seen.applied}`);
    assert(cdll >= 0 && lines[cdll + 1] === FIX_LINE, `buffer after the fix:\n${lines.join('\n')}`);
    assert(seen.cleared === true, 'the diagnostic was still there 10 s after the fix');
    return `line ${cdll + 2}: ${lines[cdll + 1]}`;
  });
  await checks.check(CHECKS[5], () => {
    assert(seen.server_exit?.code === 0, `server exit ${JSON.stringify(seen.server_exit)}`);
    assert(code.exitCode === 0, `nvim exit ${code.exitCode} (client error: ${seen.error ?? 'none'})`);
  });
}
checks.notRun(CHECKS, seen.error ?? 'Neovim did not report');
const result = checks.finish(out, { client: seen });
process.exit(result.failed ? 1 : 0);
