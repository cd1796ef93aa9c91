import * as fs from 'node:fs';
import * as vscode from 'vscode';
import {
  ExecuteCommandRequest,
  LanguageClient,
  TransportKind,
  WorkDoneProgress,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';

const LANGUAGES = ['python', 'go', 'java', 'rust', 'c', 'cpp'];
// a type only: nothing of the server is bundled into the client
import type { ScanSummary } from '../../server/lsp/workspace-scan';

const OPEN_QUESTION = 'ffiLens.openQuestion';
const BROWSE_QUESTIONS = 'ffiLens.browseQuestions';
const SCAN_WORKSPACE = 'ffiLens.scanWorkspace';
const DISABLE_RULE = 'ffiLens.disableRule';
const DIAGNOSTIC_SOURCE = 'ffi-lens';

let client: LanguageClient | undefined;

function questionUri(context: vscode.ExtensionContext, question: number): vscode.Uri {
  return vscode.Uri.file(context.asAbsolutePath(`content/questions/Q${question}.md`));
}

/** `title:` from a page's front matter, for the pick list. */
function questionTitle(file: string): string | undefined {
  try {
    return /^title:\s*(.+)$/m.exec(fs.readFileSync(file, 'utf8').slice(0, 500))?.[1].trim();
  } catch {
    return undefined;
  }
}

/** The questions of the FFI Lens diagnostics under the cursor, primary question first. */
function questionsAtCursor(): number[] {
  const editor = vscode.window.activeTextEditor;
  if (!editor) return [];
  const questions = vscode.languages
    .getDiagnostics(editor.document.uri)
    .filter((d) => d.source === DIAGNOSTIC_SOURCE && d.range.contains(editor.selection.active))
    .flatMap((d) => (d as vscode.Diagnostic & { data?: { questions?: number[] } }).data?.questions ?? []);
  return [...new Set(questions)];
}

async function pickQuestion(context: vscode.ExtensionContext, among: number[]): Promise<number | undefined> {
  const directory = context.asAbsolutePath('content/questions');
  const available = among.length
    ? among
    : fs
        .readdirSync(directory)
        .map((name) => Number(/^Q(\d+)\.md$/.exec(name)?.[1]))
        .filter((n) => Number.isInteger(n) && n > 0)
        .sort((a, b) => a - b);
  const picked = await vscode.window.showQuickPick(
    available.map((question) => ({
      label: `Q${question}`,
      description: questionTitle(questionUri(context, question).fsPath) ?? '',
      question,
    })),
    { placeHolder: 'Open which interview question?', matchOnDescription: true },
  );
  return picked?.question;
}

async function openQuestion(context: vscode.ExtensionContext, output: vscode.LogOutputChannel, argument?: unknown): Promise<void> {
  let question = typeof argument === 'number' ? argument : Number(argument);
  if (!Number.isInteger(question) || question <= 0) {
    const nearby = questionsAtCursor();
    question = (nearby.length === 1 ? nearby[0] : await pickQuestion(context, nearby)) ?? NaN;
    if (Number.isNaN(question)) return;
  }
  const uri = questionUri(context, question);
  if (!fs.existsSync(uri.fsPath)) {
    void vscode.window.showWarningMessage(`FFI Lens has no page for question ${question} yet.`);
    return;
  }
  output.info(`opening Q${question}: ${uri.fsPath}`);
  await vscode.commands.executeCommand('markdown.showPreview', uri);
}

/**
 * Asks the server to check every file of the workspace: a cancellable progress notification and
 * a status bar item while it runs; the findings land in the Problems panel.
 */
async function scanWorkspace(output: vscode.LogOutputChannel, statusBar: vscode.StatusBarItem): Promise<void> {
  const running = client;
  if (!running?.isRunning()) {
    void vscode.window.showErrorMessage('FFI Lens: the language server is not running; see the "FFI Lens" output.');
    return;
  }
  statusBar.text = '$(sync~spin) FFI Lens: scanning';
  statusBar.tooltip = 'FFI Lens is checking every file of the workspace';
  statusBar.command = 'ffiLens.showOutput';
  statusBar.show();
  const token = `ffi-lens-scan-${Date.now()}`;
  try {
    const summary = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'FFI Lens: scanning the workspace', cancellable: true },
      async (progress, cancellation) => {
        let reported = 0;
        const listener = running.onProgress(WorkDoneProgress.type, token, (value) => {
          if (value.kind === 'end') return;
          const percentage = value.percentage ?? reported;
          progress.report({ message: value.message, increment: percentage - reported });
          statusBar.text = `$(sync~spin) FFI Lens: scanning ${percentage}%`;
          reported = percentage;
        });
        try {
          return (await running.sendRequest(
            ExecuteCommandRequest.type,
            { command: SCAN_WORKSPACE, arguments: [], workDoneToken: token },
            cancellation,
          )) as ScanSummary;
        } finally {
          listener.dispose();
        }
      },
    );
    const text = `${summary.findings} finding${summary.findings === 1 ? '' : 's'} in ${summary.filesWithFindings} of ${summary.files} files`;
    output.info(`workspace scan ${summary.cancelled ? 'cancelled' : 'done'}: ${text}`);
    if (summary.cancelled) void vscode.window.showInformationMessage(`FFI Lens: scan cancelled (${text} so far).`);
    else void vscode.window.showInformationMessage(`FFI Lens: ${text}.`);
  } catch (error) {
    output.info(`workspace scan stopped: ${String(error)}`);
  } finally {
    statusBar.hide();
  }
}

/**
 * The "Disable <rule> in workspace settings" code action: sets the rule "off" in `ffiLens.rules`
 * of the document's workspace folder (the workspace, or the user settings for a loose file),
 * keeping the other rules written at that level. The server re-checks on the settings change.
 */
async function disableRule(output: vscode.LogOutputChannel, ruleId: unknown, uri: unknown): Promise<void> {
  if (typeof ruleId !== 'string') return;
  const resource = typeof uri === 'string' ? vscode.Uri.parse(uri) : vscode.window.activeTextEditor?.document.uri;
  const folder = resource ? vscode.workspace.getWorkspaceFolder(resource) : undefined;
  const target = folder
    ? vscode.workspace.workspaceFolders && vscode.workspace.workspaceFolders.length > 1
      ? vscode.ConfigurationTarget.WorkspaceFolder
      : vscode.ConfigurationTarget.Workspace
    : vscode.ConfigurationTarget.Global;
  const configuration = vscode.workspace.getConfiguration('ffiLens', folder?.uri ?? resource);
  const inspected = configuration.inspect<Record<string, string>>('rules');
  const current =
    target === vscode.ConfigurationTarget.WorkspaceFolder
      ? inspected?.workspaceFolderValue
      : target === vscode.ConfigurationTarget.Workspace
        ? inspected?.workspaceValue
        : inspected?.globalValue;
  try {
    await configuration.update('rules', { ...(current ?? {}), [ruleId]: 'off' }, target);
    const where = target === vscode.ConfigurationTarget.Global ? 'user' : target === vscode.ConfigurationTarget.Workspace ? 'workspace' : 'folder';
    output.info(`disabled ${ruleId} in ${where} settings`);
    void vscode.window.showInformationMessage(`FFI Lens: ${ruleId} is now "off" in the ${where} settings (ffiLens.rules).`);
  } catch (error) {
    void vscode.window.showErrorMessage(`FFI Lens could not disable ${ruleId}: ${String(error)}`);
  }
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel('FFI Lens', { log: true });
  const statusBar = vscode.window.createStatusBarItem('ffiLens.scan', vscode.StatusBarAlignment.Left);
  statusBar.name = 'FFI Lens scan';
  context.subscriptions.push(
    output,
    vscode.commands.registerCommand(OPEN_QUESTION, (argument?: unknown) => openQuestion(context, output, argument)),
    vscode.commands.registerCommand(DISABLE_RULE, (ruleId?: unknown, uri?: unknown) => disableRule(output, ruleId, uri)),
    vscode.commands.registerCommand('ffiLens.showOutput', () => output.show(true)),
    vscode.commands.registerCommand(BROWSE_QUESTIONS, async () => {
      const question = await pickQuestion(context, []);
      if (question !== undefined) await openQuestion(context, output, question);
    }),
    statusBar,
    vscode.commands.registerCommand(SCAN_WORKSPACE, () => scanWorkspace(output, statusBar)),
  );

  const serverModule = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6011'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      ...LANGUAGES.flatMap((language) => [
        { scheme: 'file', language },
        { scheme: 'untitled', language },
      ]),
      // npm manifests only (how a native addon is packaged), never other JSON files
      { scheme: 'file', language: 'json', pattern: '**/package.json' },
    ],
    outputChannel: output,
    initializationOptions: { opensQuestionsItself: true, editsSettingsItself: true, clientCommands: [SCAN_WORKSPACE] },
  };
  client = new LanguageClient('ffiLens', 'FFI Lens', serverOptions, clientOptions);
  try {
    await client.start();
    output.info('FFI Lens language server started.');
  } catch (error) {
    output.info(`FFI Lens could not start its language server: ${String(error)}`);
    void vscode.window.showErrorMessage('FFI Lens could not start its language server; see the "FFI Lens" output.');
  }
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
