// UI test of the packaged extension in a real VS Code: code-server 4.100.3 (VS Code 1.100.3) on 127.0.0.1, driven by
// Debian's chromium through playwright-core, the way a person uses it: install the .vsix, open a Python file, see the
// squiggle, read the Problems panel, hover, run "FFI Lens: Open Related Interview Question", apply the quick fix.
// Usage: node test/e2e/vscode-ui.mjs [path/to/ffi-lens-x.y.z.vsix]   (default: the repository root's .vsix)
// Writes screenshots, logs and result.json to test/e2e/out/vscode-ui/.
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { chromium } from 'playwright-core';
import { assert, Checks, copyWorkspace, E2E_DIR, FIX_LINE, FIXTURE_FILE, freePort, freshOut, killGroup, packageVersion, plain, ROOT, RULE, sleep } from './lib.mjs';

const CODE_SERVER = path.join(E2E_DIR, 'node_modules/.bin/code-server');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const VSIX = path.resolve(process.argv[2] || path.join(ROOT, `ffi-lens-${packageVersion()}.vsix`));
const STEP_MS = 30_000; // one UI step (a selector to appear); the first squiggle gets longer: the extension host starts
const CHECKS = [
  'install the .vsix',
  'workbench loads the workspace',
  'error squiggle on lib.foo_name',
  'Problems panel lists the ffi-lens diagnostic',
  'hover names the rule and links Q14',
  'command palette: Open Related Interview Question opens a markdown preview',
  'quick fix via Ctrl+. and Enter inserts the restype line and clears the squiggle',
  'FFI Lens output channel shows the server started',
  'command palette: Scan Workspace lists a never-opened file in the Problems panel',
  'command palette: Browse Questions searches all pages and opens the pick',
  'the question view is reused: opening Q14 again shows the one preview tab',
  'light bulb: Disable <rule> for this line inserts a suppression comment and clears the squiggle',
  'light bulb: Disable <rule> in workspace settings writes ffiLens.rules and clears the squiggle',
  'hover on an FFI API without a finding (restype) shows its note and the question to read',
  'the examples folder: an N-API file gets its findings, and Scan Workspace finds what the CLI finds',
];

const checks = new Checks('vscode-ui');
const { out, env } = freshOut('vscode-ui');
const screenshots = [];
let codeServer;
let browser;
let page;

async function shot(name) {
  const file = path.join(out, `${String(screenshots.length + 1).padStart(2, '0')}-${name}.png`);
  await page.screenshot({ path: file });
  screenshots.push(file);
  checks.log(`screenshot ${file}`);
}

async function shutdown() {
  await browser?.close().catch(() => {});
  browser = undefined;
  await killGroup(codeServer);
  fs.rmSync(path.join(out, 'code-server.pgid'), { force: true });
}
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, async () => {
    checks.log(`${signal}: stopping code-server`);
    await shutdown();
    process.exit(1);
  });
}

/** Quick Open / command palette: type, wait for the row, Enter. */
async function quickInput(keys, text, rowText) {
  await page.keyboard.press(keys);
  await page.locator('.quick-input-widget input').waitFor({ state: 'visible', timeout: STEP_MS });
  await page.keyboard.type(text);
  const row = page.locator('.quick-input-list .monaco-list-row').filter({ hasText: rowText }).first();
  await row.waitFor({ timeout: STEP_MS });
  return row;
}

/** Closes whatever a failed step may have left open (quick input, action menu, hover). */
async function dismiss() {
  for (let i = 0; i < 2; i++) await page.keyboard.press('Escape');
}

/** Ctrl+. on the first error squiggle; once the light bulb menu lists `title`, the titles of all its rows. */
async function openCodeActions(title) {
  const squiggle = page.locator('.editor-instance .squiggly-error').first();
  await squiggle.waitFor({ timeout: STEP_MS });
  const box = await squiggle.boundingBox();
  await page.mouse.click(box.x + 2, box.y + box.height / 2);
  await page.keyboard.press('Escape');
  await page.keyboard.press('Control+.');
  const rows = page.locator('.action-widget .monaco-list-row');
  await rows.filter({ hasText: title }).first().waitFor({ state: 'visible', timeout: STEP_MS });
  return (await rows.allInnerTexts()).map((t) => plain(t).trim()).filter(Boolean);
}

/** Applies the open menu's action `title`: Enter on its row (a click can be intercepted by .context-view-pointerBlock). */
async function applyCodeAction(title, rowCount) {
  const menu = page.locator('.action-widget');
  for (let i = 0; i < rowCount; i++) {
    const focused = plain(await menu.locator('.monaco-list-row.focused').first().innerText().catch(() => ''));
    if (focused.includes(title)) break;
    await page.keyboard.press('ArrowDown');
  }
  await page.keyboard.press('Enter');
}

/** "FFI Lens: Scan Workspace" from the command palette; the text of the notification that reports the result. */
async function scanWorkspace(timeout) {
  await (await quickInput('Control+Shift+P', 'FFI Lens: Scan Workspace', 'FFI Lens: Scan Workspace')).waitFor();
  await page.keyboard.press('Enter');
  const done = page.locator('.notifications-toasts').filter({ hasText: /FFI Lens: \d+ findings? in \d+ of \d+ files/ }).first();
  await done.waitFor({ timeout });
  return plain(await done.innerText()).replace(/\s+/g, ' ').trim();
}

const editorLines = () => page.locator('.editor-instance .monaco-editor .view-lines').first();

/** The editor's rendered lines in screen order (Monaco reuses line elements, so DOM order is not line order). */
async function visibleLines() {
  const lines = await editorLines()
    .locator('.view-line')
    .evaluateAll((els) => els.map((el) => ({ top: el.getBoundingClientRect().top, text: el.textContent ?? '' })));
  return lines.sort((a, b) => a.top - b.top).map((l) => plain(l.text).trimEnd());
}

async function run() {
  const workspace = copyWorkspace(out);
  const userData = path.join(out, 'user-data');
  const extensions = path.join(out, 'extensions');
  fs.mkdirSync(path.join(userData, 'User'), { recursive: true });
  fs.mkdirSync(extensions, { recursive: true });
  fs.writeFileSync(
    path.join(userData, 'User/settings.json'),
    JSON.stringify(
      {
        'workbench.startupEditor': 'none',
        'security.workspace.trust.enabled': false,
        'telemetry.telemetryLevel': 'off',
        'extensions.autoUpdate': false,
        'extensions.autoCheckUpdates': false,
        'extensions.ignoreRecommendations': true,
        'update.mode': 'none',
        'workbench.tips.enabled': false,
        'workbench.enableExperiments': false,
        'editor.hover.delay': 100,
        'window.restoreWindows': 'none',
        'files.autoSave': 'off',
        'git.enabled': false,
        'git.openRepositoryInParentFolders': 'never',
        'chat.disableAIFeatures': true,
        'workbench.welcomePage.walkthroughs.openOnInstall': false,
      },
      null,
      2,
    ),
  );
  fs.writeFileSync(path.join(out, 'config.yaml'), 'auth: none\ncert: false\n');
  const common = ['--config', path.join(out, 'config.yaml'), '--user-data-dir', userData, '--extensions-dir', extensions];

  // 1. install the packaged extension, offline, from the local file
  const ok = await checks.check(CHECKS[0], async () => {
    assert(fs.existsSync(VSIX), `${VSIX} is missing: run npm run package first`);
    const { stdout, stderr } = await promisify(execFile)(CODE_SERVER, [...common, '--install-extension', VSIX], { env, timeout: 120_000 });
    const text = stdout + stderr;
    fs.writeFileSync(path.join(out, 'install-extension.log'), text);
    assert(/was successfully installed/.test(text), `code-server --install-extension said: ${text.trim()}`);
    const installed = fs.readdirSync(extensions).filter((d) => d.startsWith('ffi-lens.ffi-lens-'));
    assert(installed.length === 1, `extensions dir holds ${fs.readdirSync(extensions).join(', ')}`);
    return `${path.basename(VSIX)} -> ${installed[0]}`;
  });
  if (!ok) return;

  // 2. code-server in its own process group (so it and its extension host / language server stop together)
  const port = await freePort();
  const logFd = fs.openSync(path.join(out, 'code-server.log'), 'w');
  codeServer = spawn(
    CODE_SERVER,
    [...common, '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', '--disable-telemetry', '--disable-update-check',
      '--disable-workspace-trust', '--disable-getting-started-override', '--ignore-last-opened', workspace],
    { env, stdio: ['ignore', logFd, logFd], detached: true },
  );
  fs.closeSync(logFd);
  fs.writeFileSync(path.join(out, 'code-server.pgid'), String(codeServer.pid)); // run.mjs stops it if this process is killed
  checks.log(`code-server pid ${codeServer.pid} (process group) on 127.0.0.1:${port}`);

  if (
    !(await checks.check(CHECKS[1], async () => {
      const deadline = Date.now() + 60_000;
      for (;;) {
        try {
          if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) break;
        } catch {
          // not listening yet
        }
        assert(codeServer.exitCode === null, `code-server exited with ${codeServer.exitCode}; see ${out}/code-server.log`);
        assert(Date.now() < deadline, 'code-server did not answer /healthz within 60 s');
        await sleep(100);
      }
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        headless: true,
        env,
        handleSIGINT: false, // our handlers stop code-server too
        handleSIGTERM: false,
        handleSIGHUP: false,
        args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
          '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
      });
      page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      page.on('pageerror', (e) => checks.log('pageerror:', e.message));
      await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`, { timeout: 60_000 });
      await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
      await page.locator('.explorer-folders-view .monaco-list-row').filter({ hasText: FIXTURE_FILE }).first().waitFor({ timeout: 60_000 });
    }))
  )
    return;

  // 3. open the Python file; the extension activates on python and its language server publishes a diagnostic
  if (
    !(await checks.check(CHECKS[2], async () => {
      await page.locator('.monaco-workbench').click({ position: { x: 700, y: 400 } }).catch(() => {});
      const row = await quickInput('Control+P', FIXTURE_FILE, FIXTURE_FILE);
      await row.click();
      await editorLines().waitFor({ timeout: STEP_MS });
      await page.locator('.editor-instance .squiggly-error').first().waitFor({ timeout: 90_000 });
      await shot('squiggle');
      return `after ${checks.elapsed()}`;
    }))
  )
    return;
  const squiggle = await page.locator('.editor-instance .squiggly-error').first().boundingBox();

  // 4. Problems panel
  await checks.check(CHECKS[3], async () => {
    await page.keyboard.press('Control+Shift+M');
    const rows = page.locator('.markers-panel .monaco-list-row');
    await rows.filter({ hasText: 'lib.foo_name' }).first().waitFor({ timeout: STEP_MS });
    const texts = (await rows.allInnerTexts()).map((t) => plain(t).replace(/\s+/g, ' ').trim());
    await shot('problems');
    const problem = texts.find((t) => t.includes('lib.foo_name'));
    assert(problem.includes('ffi-lens') && problem.includes(RULE), `problem row lacks source/code: ${JSON.stringify(texts)}`);
    assert(/returns a pointer/.test(problem), `unexpected message: ${problem}`);
    return problem;
  });

  // 5. hover over the squiggle
  await checks.check(CHECKS[4], async () => {
    await page.mouse.move(squiggle.x + squiggle.width / 2, squiggle.y + squiggle.height / 2);
    const hover = page.locator('.monaco-hover').filter({ hasText: RULE }).first();
    await hover.waitFor({ state: 'visible', timeout: STEP_MS });
    const text = plain(await hover.innerText()).trim();
    await shot('hover');
    // the problem's own hover shows the message; the language server's hover adds the rule header and the reading
    const header = /FFI Lens\s*ctypes\/truncated-pointer-result\s*\(error\)/.exec(text);
    assert(header, `no language-server hover (FFI Lens ${RULE} (error)) in: ${text}`);
    assert(/Read:\s*Q14: /.test(text), `hover does not offer "Read: Q14: ...": ${text}`);
    const links = await hover.locator('a').evaluateAll((as) => as.map((a) => a.getAttribute('data-href') || a.getAttribute('href') || ''));
    assert(links.some((l) => /content\/questions\/Q14\.md$/.test(l)), `no link to content/questions/Q14.md in hover: ${links.join(' ')}`);
    return `${header[0].replace(/\s+/g, ' ')}; ${/Read:\s*Q14: [^·]*/.exec(text)[0].trim()}`;
  });

  // 6. command palette, with the cursor on the diagnostic: a pick list of that finding's questions, primary first
  await checks.check(CHECKS[5], async () => {
    await dismiss();
    await page.mouse.click(squiggle.x + 2, squiggle.y + squiggle.height / 2);
    await page.keyboard.press('Escape');
    await (await quickInput('Control+Shift+P', 'FFI Lens: Open Related Interview Question', 'Open Related Interview Question')).waitFor();
    await page.keyboard.press('Enter');
    const picks = page.locator('.quick-input-list .monaco-list-row');
    await page.locator('.quick-input-widget').filter({ hasText: /Q14/ }).waitFor({ state: 'visible', timeout: STEP_MS });
    const items = (await picks.allInnerTexts()).map((t) => plain(t).replace(/\s+/g, ' ').trim());
    await shot('question-pick');
    assert(/^Q14(?!\d)/.test(items[0] ?? ''), `first pick is not Q14: ${JSON.stringify(items)}`);
    await page.keyboard.press('Enter');
    const tab = page.locator('.tabs-container .tab').filter({ hasText: 'Preview Q14.md' }).first();
    await tab.waitFor({ state: 'visible', timeout: STEP_MS });
    // the preview renders in a webview (nested iframes): find the rendered page text
    let rendered = false;
    for (const deadline = Date.now() + STEP_MS; !rendered && Date.now() < deadline; await sleep(250)) {
      for (const frame of page.frames()) {
        const body = await frame.evaluate(() => document.body?.innerText ?? '').catch(() => '');
        if (/restype/.test(body) && /Summary/.test(body)) rendered = true;
      }
    }
    await shot('question-preview');
    assert(rendered, 'the markdown preview tab opened, but its webview never showed the page text');
    return `picks ${items.map((i) => /^Q\d+/.exec(i)?.[0]).join(', ')}; tab "Preview Q14.md" rendered`;
  });

  // 7. back to the Python file: Ctrl+. on the diagnostic, Enter on the quick fix
  await checks.check(CHECKS[6], async () => {
    await dismiss();
    await page.locator('.tabs-container .tab').filter({ hasText: FIXTURE_FILE }).first().click();
    const titles = await openCodeActions('Declare lib.foo_name.restype');
    await shot('quick-fix-menu');
    assert(titles.some((t) => t.includes('Open related interview question (Q14)')), `code actions: ${JSON.stringify(titles)}`);
    await applyCodeAction('Declare lib.foo_name.restype', titles.length);
    await editorLines().filter({ hasText: FIX_LINE }).waitFor({ timeout: STEP_MS });
    await page.locator('.editor-instance .squiggly-error').waitFor({ state: 'detached', timeout: STEP_MS });
    // the Problems panel (still open from step 4) empties too
    await page.locator('.markers-panel').filter({ hasText: 'No problems have been detected' }).waitFor({ timeout: STEP_MS });
    const lines = await visibleLines();
    const text = lines.join('\n');
    await shot('after-quick-fix');
    const cdll = lines.findIndex((l) => l.includes('ctypes.CDLL('));
    assert(lines[cdll + 1] === FIX_LINE, `expected "${FIX_LINE}" right after the CDLL line, got:\n${text}`);
    return `line ${cdll + 2}: ${FIX_LINE}`;
  });

  // 8. the extension's output channel
  await checks.check(CHECKS[7], async () => {
    await dismiss();
    await (await quickInput('Control+Shift+P', 'FFI Lens: Show Output', 'FFI Lens: Show Output')).waitFor();
    await page.keyboard.press('Enter');
    await page.locator('.panel .monaco-editor .view-lines').filter({ hasText: 'FFI Lens language server started.' }).first().waitFor({ timeout: STEP_MS });
    await shot('output-channel');
  });

  // 9. Scan Workspace: a file no editor opened gets its findings in the Problems panel
  await checks.check(CHECKS[8], async () => {
    await dismiss();
    const summary = await scanWorkspace(STEP_MS);
    await page.keyboard.press('Control+Shift+M');
    const row = page.locator('.markers-panel .monaco-list-row').filter({ hasText: 'never_opened.py' }).first();
    await row.waitFor({ timeout: STEP_MS });
    await shot('scan-workspace');
    assert(/1 finding in 1 of 2 files/.test(summary), `scan summary: ${summary}`);
    return summary;
  });

  // 10. Browse Questions: a searchable pick of every page
  await checks.check(CHECKS[9], async () => {
    await dismiss();
    await (await quickInput('Control+Shift+P', 'FFI Lens: Browse Questions', 'FFI Lens: Browse Questions')).waitFor();
    await page.keyboard.press('Enter');
    const picks = page.locator('.quick-input-list .monaco-list-row');
    await picks.first().waitFor({ state: 'visible', timeout: STEP_MS });
    const total = await page.locator('.quick-input-list').getAttribute('aria-rowcount').catch(() => null);
    await page.keyboard.type('restype');
    await picks.filter({ hasText: /restype/ }).first().waitFor({ timeout: STEP_MS });
    const items = (await picks.allInnerTexts()).map((t) => plain(t).replace(/\s+/g, ' ').trim());
    await shot('browse-questions');
    // the quick pick matches fuzzily: the best match comes first, and the list is filtered
    assert(/restype/.test(items[0] ?? '') && items.length < Number(total ?? 40), `filtered picks of ${total}: ${JSON.stringify(items)}`);
    const question = /^Q\d+/.exec(items[0])[0];
    await page.keyboard.press('Enter');
    await page.locator('.tabs-container .tab').filter({ hasText: `Preview ${question}.md` }).first().waitFor({ state: 'visible', timeout: STEP_MS });
    return `"restype" -> ${items.length} picks; opened ${question}`;
  });

  // 11. the same question twice: one preview, focused again
  await checks.check(CHECKS[10], async () => {
    await dismiss();
    await (await quickInput('Control+Shift+P', 'FFI Lens: Browse Questions', 'FFI Lens: Browse Questions')).waitFor();
    await page.keyboard.press('Enter');
    await page.locator('.quick-input-list .monaco-list-row').first().waitFor({ state: 'visible', timeout: STEP_MS });
    await page.keyboard.type('Q14');
    await page.locator('.quick-input-list .monaco-list-row').filter({ hasText: /^Q14/ }).first().waitFor({ timeout: STEP_MS });
    await page.keyboard.press('Enter');
    const tabs = page.locator('.tabs-container .tab').filter({ hasText: 'Preview Q14.md' });
    await page.locator('.tabs-container .tab.active').filter({ hasText: 'Preview Q14.md' }).first().waitFor({ timeout: STEP_MS });
    await sleep(1000); // a second preview would appear by now
    const count = await tabs.count();
    await shot('question-reused');
    assert(count === 1, `${count} "Preview Q14.md" tabs`);
    return 'one "Preview Q14.md" tab, active';
  });

  // 12. silence one finding where it is: the suppression comment the engine honours
  await checks.check(CHECKS[11], async () => {
    await dismiss();
    await (await quickInput('Control+P', 'never_opened.py', 'never_opened.py')).waitFor();
    await page.keyboard.press('Enter');
    await page.locator('.tabs-container .tab.active').filter({ hasText: 'never_opened.py' }).first().waitFor({ timeout: STEP_MS });
    const title = `Disable ${RULE} for this line`;
    const titles = await openCodeActions(title);
    await shot('disable-menu');
    assert(titles.some((t) => t.includes(`Disable ${RULE} in workspace settings`)), `code actions: ${JSON.stringify(titles)}`);
    await applyCodeAction(title, titles.length);
    const comment = `# ffi-lens-disable-next-line ${RULE}`;
    await editorLines().filter({ hasText: comment }).waitFor({ timeout: STEP_MS });
    await page.locator('.editor-instance .squiggly-error').waitFor({ state: 'detached', timeout: STEP_MS });
    const lines = await visibleLines();
    await shot('after-disable-line');
    const at = lines.findIndex((l) => l.trim() === comment);
    assert(at >= 0 && /libc\.strdup/.test(lines[at + 1] ?? ''), `comment not right above the call:\n${lines.join('\n')}`);
    return `line ${at + 1}: ${comment}`;
  });

  // 13. undo that comment, then switch the rule off for the workspace instead
  await checks.check(CHECKS[12], async () => {
    await dismiss();
    await page.keyboard.press('Control+z');
    const title = `Disable ${RULE} in workspace settings`;
    await applyCodeAction(title, (await openCodeActions(title)).length);
    await page.locator('.editor-instance .squiggly-error').waitFor({ state: 'detached', timeout: STEP_MS });
    await shot('after-disable-in-settings');
    const settingsFile = path.join(workspace, '.vscode', 'settings.json');
    let written = '';
    for (const deadline = Date.now() + STEP_MS; Date.now() < deadline && !written.includes(RULE); await sleep(250)) {
      written = fs.existsSync(settingsFile) ? fs.readFileSync(settingsFile, 'utf8') : '';
    }
    const rules = JSON.parse(written)['ffiLens.rules'];
    assert(rules?.[RULE] === 'off', `.vscode/settings.json: ${written}`);
    return `.vscode/settings.json: "ffiLens.rules": ${JSON.stringify(rules)}`;
  });

  // 14. an API note: the restype line the quick fix wrote in step 7 carries no finding
  await checks.check(CHECKS[13], async () => {
    await dismiss();
    await page.locator('.tabs-container .tab').filter({ hasText: FIXTURE_FILE }).first().click();
    // the innermost span holding `restype` (how Monaco splits tokens depends on the grammar); the
    // font is monospaced, so the word's place in the span's text gives its place on screen
    const token = editorLines().locator('.view-line span span').filter({ hasText: /restype/ }).first();
    await token.waitFor({ timeout: STEP_MS });
    const box = await token.boundingBox();
    const spanText = await token.textContent();
    const charWidth = box.width / spanText.length;
    const at = spanText.indexOf('restype') + 3;
    await page.mouse.move(box.x + charWidth * (at + 0.5), box.y + box.height / 2);
    const hover = page.locator('.monaco-hover').filter({ hasText: 'restype' }).filter({ hasText: 'Read:' }).first();
    await hover.waitFor({ state: 'visible', timeout: STEP_MS });
    const text = plain(await hover.innerText()).replace(/\s+/g, ' ').trim();
    await shot('api-note-hover');
    assert(/FFI Lens · ctypes restype/.test(text) && /Read: Q\d+: /.test(text), `hover: ${text}`);
    return text.slice(0, 120);
  });

  // 15. what a new user sees: the repository's examples/ opened as the workspace
  await checks.check(CHECKS[14], async () => {
    await dismiss();
    const examples = path.join(out, 'examples');
    fs.cpSync(path.join(ROOT, 'examples'), examples, { recursive: true });
    const cli = await promisify(execFile)(process.execPath, [path.join(ROOT, 'bin', 'ffi-lens.js'), 'scan', examples, '--format', 'json'], {
      maxBuffer: 16 * 1024 * 1024,
    }).catch((error) => error); // exit 1: findings at warning or above
    const expected = JSON.parse(cli.stdout).length;
    await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(examples)}`, { timeout: 60_000 });
    await page.locator('.explorer-folders-view .monaco-list-row').filter({ hasText: 'napi' }).first().waitFor({ timeout: 60_000 });
    await page.locator('.monaco-workbench').click({ position: { x: 700, y: 400 } }).catch(() => {});
    await (await quickInput('Control+P', 'async-work.c', 'async-work.c')).waitFor();
    await page.keyboard.press('Enter');
    // its findings are below the fold: the Problems panel lists them
    await page.keyboard.press('Control+Shift+M');
    await page.locator('.markers-panel .monaco-list-row').filter({ hasText: 'napi/async-execute-touches-js' }).first().waitFor({ timeout: 90_000 });
    const summary = await scanWorkspace(90_000);
    await shot('examples-scanned');
    const found = Number(/FFI Lens: (\d+) finding/.exec(summary)[1]);
    assert(found === expected, `the editor found ${found}, the CLI ${expected}: ${summary}`);
    return `${summary.replace(/ Source:.*$/, '')} (CLI: ${expected})`;
  });
}

let crashed;
const timer = setTimeout(() => {
  crashed = 'timed out after 300 s';
  checks.log(crashed);
  void shutdown().then(() => process.exit(1));
}, 300_000);
try {
  await run();
} catch (error) {
  crashed = error?.stack ?? String(error);
  checks.log('crashed:', crashed);
}
if (checks.failed || crashed) {
  try {
    if (page) await shot('failure');
  } catch {
    // the page may be gone
  }
  checks.log(`code-server log: ${path.join(out, 'code-server.log')}; extension host logs: ${path.join(out, 'user-data/logs')}`);
}
await shutdown();
clearTimeout(timer);
checks.notRun(CHECKS, crashed ? `crashed: ${crashed.split('\n')[0]}` : 'an earlier step failed');
console.log('screenshots:');
for (const file of screenshots) console.log(`  ${file}`);
const result = checks.finish(out, { screenshots, vsix: VSIX });
process.exit(result.failed ? 1 : 0);
