import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  CodeActionKind,
  DidChangeConfigurationNotification,
  MessageType,
  ShowMessageNotification,
  TextDocumentSyncKind,
  type CancellationToken,
  type CodeAction,
  type Connection,
  type WorkDoneProgressReporter,
  type WorkDoneProgressServerReporter,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { ApiNotes } from '../content/api-notes';
import { defaultContentRoot, KnowledgeBase } from '../content/knowledge-base';
import { Engine } from '../engine/engine';
import type { Finding } from '../engine/findings';
import { DEFAULT_SETTINGS } from '../engine/settings';
import { ALL_RULES } from '../rules';
import { DIAGNOSTIC_SOURCE, toDiagnostic, toLspRange, type DiagnosticData } from './diagnostics';
import { apiNoteAt, hoverFor } from './hover';
import { OpenDocuments } from './open-documents';
import { SettingsStore } from './settings-store';
import { productVersion } from '../version';
import { WorkspaceIndexer } from './workspace-indexer';
import { WorkspaceScan, type ScanSummary } from './workspace-scan';

export const OPEN_QUESTION_COMMAND = 'ffiLens.openQuestion';
/** Checks every file of the workspace folders; answers a ScanSummary. Reports work-done progress. */
export const SCAN_WORKSPACE_COMMAND = 'ffiLens.scanWorkspace';

/** What a client may say in `initializationOptions`. */
interface InitializationOptions {
  /** The client opens question pages itself (the VS Code extension shows a markdown preview). */
  opensQuestionsItself?: boolean;
  /** Commands the client registers under the same id and sends here itself (e.g. with its own progress UI). */
  clientCommands?: string[];
  debounceMs?: number;
  /** Settings for clients that support neither workspace/configuration nor pushed settings. */
  settings?: unknown;
}

const DEFAULT_DEBOUNCE_MS = 200;

function sameRange(finding: Finding, range: { start: { line: number; character: number }; end: { line: number; character: number } }) {
  const mine = toLspRange(finding.range);
  return (
    mine.start.line === range.start.line &&
    mine.start.character === range.start.character &&
    mine.end.line === range.end.line &&
    mine.end.character === range.end.character
  );
}

/** Binds the LSP handlers to a connection; the work is done by the engine and OpenDocuments. */
export function startServer(connection: Connection, contentRoot = defaultContentRoot()): void {
  const knowledge = new KnowledgeBase(contentRoot);
  const apiNotes = ApiNotes.load(contentRoot, (message) => connection.console.error(message));
  const engine = new Engine(ALL_RULES, { warn: (message) => connection.console.warn(message) });
  let documents: OpenDocuments | undefined;
  let settings: SettingsStore | undefined;
  let pullsConfiguration = false;
  let supportsProgress = false;
  const workspace = new WorkspaceIndexer();
  const scan = new WorkspaceScan(engine, async () => {
    await workspace.build(workspaceFolders, () => shuttingDown);
    return workspace.index;
  });
  let workspaceFolders: string[] = [];
  let shuttingDown = false;

  connection.onInitialize((params): InitializeResult => {
    const options = (params.initializationOptions ?? {}) as InitializationOptions;
    pullsConfiguration = params.capabilities.workspace?.configuration === true;
    supportsProgress = params.capabilities.window?.workDoneProgress === true;
    const folderUris = params.workspaceFolders?.map((folder) => folder.uri) ?? (params.rootUri ? [params.rootUri] : []);
    workspaceFolders = folderUris.filter((uri) => uri.startsWith('file:')).map((uri) => fileURLToPath(uri));
    settings = new SettingsStore(
      pullsConfiguration ? (uri) => connection.workspace.getConfiguration({ scopeUri: uri, section: 'ffiLens' }) : undefined,
      (message) => connection.console.warn(message),
    );
    if (options.settings !== undefined) settings.setPushed(options.settings);
    documents = new OpenDocuments(
      engine,
      settings,
      {
        publish: (uri, version, findings) =>
          void connection.sendDiagnostics({ uri, version, diagnostics: findings.map((f) => toDiagnostic(f, knowledge)) }),
        log: (message) => connection.console.error(message),
        notify: (message) => {
          connection.console.warn(message);
          // a notification, not showMessageRequest: no client has to answer it
          void connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Warning, message });
        },
      },
      options.debounceMs ?? DEFAULT_DEBOUNCE_MS,
      workspace,
    );
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        hoverProvider: true,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
        // A command advertised here is registered by the client library under its id: leave out
        // the ones the client registers itself, or the two registrations collide.
        executeCommandProvider: {
          commands: [OPEN_QUESTION_COMMAND, SCAN_WORKSPACE_COMMAND].filter(
            (command) =>
              !(options.clientCommands ?? []).includes(command) && !(command === OPEN_QUESTION_COMMAND && options.opensQuestionsItself),
          ),
        },
      },
      serverInfo: { name: 'ffi-lens', version: productVersion() },
    };
  });

  connection.onInitialized(() => {
    if (workspaceFolders.length > 0) {
      const started = Date.now();
      // In the background: cross-file rules stay silent until every file has been read once.
      void workspace
        .build(workspaceFolders, () => shuttingDown)
        .then((files) => {
          if (shuttingDown) return;
          connection.console.info(`indexed ${files} files of the workspace in ${Date.now() - started} ms`);
          documents?.recheckAll();
        })
        .catch((error: unknown) => connection.console.error(`indexing the workspace failed: ${String(error)}`));
    }
    if (pullsConfiguration) {
      void connection.client.register(DidChangeConfigurationNotification.type, { section: 'ffiLens' }).catch(() => {
        // clients without dynamic registration still send the notification unasked
      });
    }
  });

  connection.onDidChangeConfiguration((change) => {
    const pushed = (change.settings as { ffiLens?: unknown } | undefined)?.ffiLens;
    if (pushed !== undefined) settings?.setPushed(pushed);
    else settings?.invalidate();
    documents?.recheckAll();
  });

  connection.onDidOpenTextDocument(({ textDocument }) => {
    scan.forget(textDocument.uri);
    documents?.open(textDocument.uri, textDocument.languageId, textDocument.version, textDocument.text);
  });
  connection.onDidChangeTextDocument(({ textDocument, contentChanges }) =>
    documents?.change(
      textDocument.uri,
      textDocument.version,
      contentChanges.map((change) =>
        'range' in change
          ? {
              range: {
                start: { line: change.range.start.line, column: change.range.start.character },
                end: { line: change.range.end.line, column: change.range.end.character },
              },
              text: change.text,
            }
          : { text: change.text },
      ),
    ),
  );
  connection.onDidCloseTextDocument(({ textDocument }) => documents?.close(textDocument.uri));

  connection.onHover(async ({ textDocument, position }) => {
    const at = { line: position.line, column: position.character };
    const findings = documents?.findingsAt(textDocument.uri, at) ?? [];
    const api = await documents?.inspect(textDocument.uri, (root, language) => apiNoteAt(apiNotes, root, language, at));
    return hoverFor(findings, api, knowledge);
  });

  connection.onCodeAction(({ textDocument, context }, token) => {
    const actions: CodeAction[] = [];
    const findings = documents?.findings(textDocument.uri) ?? [];
    for (const diagnostic of context.diagnostics) {
      if (token.isCancellationRequested) return null;
      if (diagnostic.source !== DIAGNOSTIC_SOURCE) continue;
      const data = diagnostic.data as DiagnosticData | undefined;
      const ruleId = data?.ruleId ?? String(diagnostic.code);
      const finding = findings.find((f) => f.ruleId === ruleId && sameRange(f, diagnostic.range));
      if (finding?.fix) {
        actions.push({
          title: finding.fix.title,
          kind: CodeActionKind.QuickFix,
          diagnostics: [diagnostic],
          isPreferred: finding.fix.safe,
          edit: {
            changes: {
              [textDocument.uri]: finding.fix.edits.map((edit) => ({ range: toLspRange(edit.range), newText: edit.newText })),
            },
          },
        });
      }
      const question = data?.questions[0] ?? finding?.questions[0];
      if (question !== undefined) {
        actions.push({
          title: `Open related interview question (Q${question})`,
          kind: CodeActionKind.QuickFix,
          diagnostics: [diagnostic],
          command: { title: `Open related interview question (Q${question})`, command: OPEN_QUESTION_COMMAND, arguments: [question] },
        });
      }
    }
    return actions;
  });

  connection.onExecuteCommand(async ({ command, arguments: args, workDoneToken }, token, workDone) => {
    if (command === SCAN_WORKSPACE_COMMAND) {
      // Progress goes to the client's token if it sent one, else to one the server creates.
      const progress = workDoneToken !== undefined || !supportsProgress ? workDone : await connection.window.createWorkDoneProgress();
      return scanWorkspace(token, progress);
    }
    if (command !== OPEN_QUESTION_COMMAND) return null;
    const question = Number(args?.[0]);
    if (!knowledge.question(question)) {
      void connection.sendNotification(ShowMessageNotification.type, {
        type: MessageType.Error,
        message: `FFI Lens has no page for question ${String(args?.[0])}`,
      });
      return null;
    }
    return connection.window.showDocument({ uri: pathToFileURL(knowledge.questionFile(question)).href, takeFocus: true });
  });

  async function scanWorkspace(token: CancellationToken, progress: WorkDoneProgressReporter | WorkDoneProgressServerReporter): Promise<ScanSummary> {
    // a progress the server created is cancelled through its own token
    const serverCancelled = 'token' in progress ? progress.token : undefined;
    progress.begin('FFI Lens: scanning the workspace', 0, undefined, true);
    let lastPercent = -1;
    try {
      const summary = await scan.run(
        workspaceFolders,
        {
          isOpen: (uri) => documents?.isOpen(uri) ?? false,
          publish: (uri, findings) =>
            void connection.sendDiagnostics({ uri, diagnostics: findings.map((f) => toDiagnostic(f, knowledge)) }),
          settingsFor: (uri) => settings?.get(uri) ?? Promise.resolve(DEFAULT_SETTINGS),
          progress: (done, total, file) => {
            const percent = total === 0 ? 100 : Math.floor((done * 100) / total);
            if (percent === lastPercent) return;
            lastPercent = percent;
            progress.report(percent, file ? `${done}/${total} ${path.basename(file)}` : `${total} files`);
          },
          log: (message) => connection.console.info(message),
        },
        () => shuttingDown || token.isCancellationRequested || serverCancelled?.isCancellationRequested === true,
      );
      connection.console.info(
        `scan ${summary.cancelled ? 'cancelled' : 'done'}: ${summary.files} files, ${summary.findings} findings in ${summary.filesWithFindings} files, ${summary.problems} problems`,
      );
      return summary;
    } finally {
      progress.done();
    }
  }

  connection.onShutdown(() => {
    shuttingDown = true;
    documents?.dispose();
    engine.dispose();
  });

  connection.listen();
}
