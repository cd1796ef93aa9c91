import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  CodeActionKind,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
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
import { ALL_COLLECTORS } from '../collectors';
import { ApiNotes } from '../content/api-notes';
import { defaultContentRoot, KnowledgeBase } from '../content/knowledge-base';
import { Engine } from '../engine/engine';
import type { Finding } from '../engine/findings';
import { sourceGlobPatterns } from '../engine/languages';
import { PROJECT_CONFIG_FILE, ProjectConfigs, type ProjectConfig } from '../engine/project-config';
import { DEFAULT_SETTINGS } from '../engine/settings';
import { disableLineEdit } from '../engine/suppressions';
import { projectFileNames } from '../engine/workspace';
import { ALL_RULES, findRule } from '../rules';
import { disableRuleInProjectConfig } from './disable-rule';
import { DIAGNOSTIC_SOURCE, DIRECTIVE_PROBLEM_CODE, toDiagnostic, toLspRange, toProblemDiagnostic, type DiagnosticData } from './diagnostics';
import { apiNoteAt, hoverFor } from './hover';
import { OpenDocuments } from './open-documents';
import { SettingsStore } from './settings-store';
import { productVersion } from '../version';
import { WorkspaceIndexer } from './workspace-indexer';
import { WorkspaceScan, type ScanSummary } from './workspace-scan';

export const OPEN_QUESTION_COMMAND = 'ffiLens.openQuestion';
/** Checks every file of the workspace folders; answers a ScanSummary. Reports work-done progress. */
export const SCAN_WORKSPACE_COMMAND = 'ffiLens.scanWorkspace';
/** Arguments: rule id, document URI. The VS Code client sets the rule "off" in workspace settings. */
export const DISABLE_RULE_COMMAND = 'ffiLens.disableRule';

/** What a client may say in `initializationOptions`. */
interface InitializationOptions {
  /** The client opens question pages itself (the VS Code extension shows a markdown preview). */
  opensQuestionsItself?: boolean;
  /** Commands the client registers under the same id and sends here itself (e.g. with its own progress UI). */
  clientCommands?: string[];
  /** The client implements ffiLens.disableRule by editing its own settings (VS Code). */
  editsSettingsItself?: boolean;
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
    await indexing; // the background read, or a re-read after the ignore patterns changed
    return workspace.index;
  });
  let workspaceFolders: string[] = [];
  let shuttingDown = false;
  let watchesFiles = false;
  let canCreateFiles = false;
  let editsSettingsItself = false;
  const configs = new ProjectConfigs(new Set(ALL_RULES.map((rule) => rule.id)));
  /** The problems last reported per config file, so each is told once, and again only when it changes. */
  const reportedConfigs = new Map<string, string>();
  const notify = (message: string) => {
    connection.console.warn(message);
    // a notification, not showMessageRequest: no client has to answer it
    void connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Warning, message });
  };
  const sawConfig = (config: ProjectConfig) => {
    const told = config.problems.join('\n');
    if ((reportedConfigs.get(config.file) ?? '') === told) return;
    reportedConfigs.set(config.file, told);
    if (told) notify(`FFI Lens: problems in ${config.file} (its valid parts are used): ${config.problems.join('; ')}`);
  };
  let indexing: Promise<unknown> = Promise.resolve();
  let indexedIgnores = '';
  /** (Re)reads the workspace facts, skipping ignored files; runs after any build in progress. */
  const reindex = (): Promise<unknown> => {
    indexing = indexing.then(async () => {
      if (shuttingDown || !settings || workspaceFolders.length === 0) return;
      const started = Date.now();
      const tests = await Promise.all(workspaceFolders.map((folder) => settings!.ignoredIn(folder)));
      const files = await workspace.build(workspaceFolders, () => shuttingDown, (file) => tests.some((ignored) => ignored(file)));
      if (shuttingDown) return;
      connection.console.info(`indexed ${files} files of the workspace in ${Date.now() - started} ms`);
      documents?.recheckAll();
    }).catch((error: unknown) => connection.console.error(`indexing the workspace failed: ${String(error)}`));
    return indexing;
  };
  const editorIgnores = async () => JSON.stringify(await Promise.all(workspaceFolders.map((folder) => settings!.ignorePatterns(folder))));

  connection.onInitialize((params): InitializeResult => {
    const options = (params.initializationOptions ?? {}) as InitializationOptions;
    pullsConfiguration = params.capabilities.workspace?.configuration === true;
    supportsProgress = params.capabilities.window?.workDoneProgress === true;
    watchesFiles = params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
    canCreateFiles = params.capabilities.workspace?.workspaceEdit?.resourceOperations?.includes('create') === true;
    editsSettingsItself = options.editsSettingsItself === true;
    const folderUris = params.workspaceFolders?.map((folder) => folder.uri) ?? (params.rootUri ? [params.rootUri] : []);
    workspaceFolders = folderUris.filter((uri) => uri.startsWith('file:')).map((uri) => fileURLToPath(uri));
    settings = new SettingsStore(
      pullsConfiguration ? (uri) => connection.workspace.getConfiguration({ scopeUri: uri, section: 'ffiLens' }) : undefined,
      (message) => connection.console.warn(message),
      configs,
      () => workspaceFolders,
      sawConfig,
    );
    if (options.settings !== undefined) settings.setPushed(options.settings);
    documents = new OpenDocuments(
      engine,
      settings,
      {
        publish: (uri, version, findings, problems) =>
          void connection.sendDiagnostics({
            uri,
            version,
            diagnostics: [...findings.map((f) => toDiagnostic(f, knowledge)), ...problems.map(toProblemDiagnostic)],
          }),
        log: (message) => connection.console.error(message),
        notify,
      },
      options.debounceMs ?? DEFAULT_DEBOUNCE_MS,
      workspace,
    );
    // Commands the client runs itself must not be advertised: VS Code would register them twice.
    const serverCommands = [
      ...(options.opensQuestionsItself ? [] : [OPEN_QUESTION_COMMAND]),
      ...(editsSettingsItself ? [] : [DISABLE_RULE_COMMAND]),
      SCAN_WORKSPACE_COMMAND,
    ].filter((command) => !(options.clientCommands ?? []).includes(command));
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
        hoverProvider: true,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
        ...(serverCommands.length > 0 ? { executeCommandProvider: { commands: serverCommands } } : {}),
      },
      serverInfo: { name: 'ffi-lens', version: productVersion() },
    };
  });

  connection.onInitialized(() => {
    // In the background: cross-file rules stay silent until every file has been read once.
    void editorIgnores()
      .then((ignores) => (indexedIgnores = ignores))
      .catch(() => undefined)
      .then(reindex);
    if (watchesFiles) {
      void connection.client
        .register(DidChangeWatchedFilesNotification.type, {
          // the project config, and every file that states workspace facts: a C file changed by
          // `git checkout` must update the Java file's cross-file findings
          watchers: [PROJECT_CONFIG_FILE, ...projectFileNames(ALL_COLLECTORS)]
            .map((name) => `**/${name}`)
            .concat(sourceGlobPatterns())
            .map((globPattern) => ({ globPattern })),
        })
        .catch((error: unknown) => connection.console.warn(`cannot watch files: ${String(error)}`));
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
    // Re-read the workspace only when what it excludes changed (ffiLens.ignore).
    void editorIgnores()
      .then((ignores) => {
        if (ignores === indexedIgnores) return;
        indexedIgnores = ignores;
        return reindex();
      })
      .catch(() => undefined);
  });

  /** A `.ffilens.json` was created, changed or deleted: every setting and exclusion may differ. */
  const projectConfigChanged = () => {
    configs.invalidate();
    settings?.invalidate();
    documents?.recheckAll();
    void reindex();
  };

  connection.onDidChangeWatchedFiles(({ changes }) => {
    if (changes.some((change) => change.uri.endsWith(`/${PROJECT_CONFIG_FILE}`))) projectConfigChanged();
    let factsChanged = false;
    for (const change of changes) {
      if (!change.uri.startsWith('file:') || change.uri.endsWith(`/${PROJECT_CONFIG_FILE}`)) continue;
      if (workspace.changedOnDisk(fileURLToPath(change.uri))) factsChanged = true;
    }
    if (factsChanged) documents?.recheckAll();
  });

  /** Without a file watcher, configs are re-checked on disk whenever a document is opened or saved. */
  const pollConfigs = (uri: string) => {
    if (watchesFiles) return;
    const file = uri.startsWith('file:') ? fileURLToPath(uri) : undefined;
    if (configs.changedOnDisk(file)) projectConfigChanged();
  };
  connection.onDidSaveTextDocument(({ textDocument }) => pollConfigs(textDocument.uri));

  connection.onDidOpenTextDocument(({ textDocument }) => {
    pollConfigs(textDocument.uri);
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

  connection.onCodeAction(async ({ textDocument, context }, token) => {
    const actions: CodeAction[] = [];
    const findings = documents?.findings(textDocument.uri) ?? [];
    const source = await documents?.source(textDocument.uri);
    for (const diagnostic of context.diagnostics) {
      if (token.isCancellationRequested) return null;
      if (diagnostic.source !== DIAGNOSTIC_SOURCE) continue;
      const suggestion = (diagnostic.data as { suggestion?: unknown } | undefined)?.suggestion;
      if (diagnostic.code === DIRECTIVE_PROBLEM_CODE && typeof suggestion === 'string') {
        // A misspelt rule id or directive in a suppression comment: write what was meant.
        actions.push({
          title: `Change to ${suggestion}`,
          kind: CodeActionKind.QuickFix,
          diagnostics: [diagnostic],
          isPreferred: true,
          edit: { changes: { [textDocument.uri]: [{ range: diagnostic.range, newText: suggestion }] } },
        });
        continue;
      }
      const data = diagnostic.data as DiagnosticData | undefined;
      const ruleId = data?.ruleId ?? String(diagnostic.code);
      if (!findRule(ruleId)) continue; // not a rule's finding: nothing more to offer
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
      const edit = source && disableLineEdit(source.text, diagnostic.range.start.line, source.language, ruleId);
      if (edit) {
        actions.push({
          title: `Disable ${ruleId} for this line`,
          kind: CodeActionKind.QuickFix,
          diagnostics: [diagnostic],
          edit: { changes: { [textDocument.uri]: [{ range: toLspRange(edit.range), newText: edit.newText }] } },
        });
      }
      const where = editsSettingsItself ? 'in workspace settings' : `in ${PROJECT_CONFIG_FILE}`;
      actions.push({
        title: `Disable ${ruleId} ${where}`,
        kind: CodeActionKind.QuickFix,
        diagnostics: [diagnostic],
        command: { title: `Disable ${ruleId} ${where}`, command: DISABLE_RULE_COMMAND, arguments: [ruleId, textDocument.uri] },
      });
    }
    return actions;
  });

  const disableRule = async (ruleId: unknown, uri: unknown) => {
    const fail = (message: string) => {
      void connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Error, message: `FFI Lens: ${message}` });
      return null;
    };
    if (typeof ruleId !== 'string' || !findRule(ruleId)) return fail(`no rule ${String(ruleId)}`);
    if (typeof uri !== 'string' || !uri.startsWith('file:')) return fail(`rules can be disabled only for files on disk`);
    const file = fileURLToPath(uri);
    const planned = disableRuleInProjectConfig(configs, file, settings?.folderOf(file), ruleId, canCreateFiles);
    if ('error' in planned) return fail(planned.error);
    const result = await connection.workspace.applyEdit({ label: `Disable ${ruleId}`, edit: planned.edit });
    if (!result.applied) return fail(`could not edit ${planned.configFile}${result.failureReason ? `: ${result.failureReason}` : ''}`);
    // The file watcher reports the change once the editor saves it.
    return null;
  };

  connection.onExecuteCommand(async ({ command, arguments: args, workDoneToken }, token, workDone) => {
    if (command === DISABLE_RULE_COMMAND) return disableRule(args?.[0], args?.[1]);
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
          openFindings: (uri) => (documents?.isOpen(uri) ? documents.findings(uri) : undefined),
          publish: (uri, findings, problems) =>
            void connection.sendDiagnostics({
              uri,
              diagnostics: [...findings.map((f) => toDiagnostic(f, knowledge)), ...problems.map(toProblemDiagnostic)],
            }),
          settingsIn: (folder) => settings?.forFolder(folder) ?? Promise.resolve(() => ({ settings: DEFAULT_SETTINGS, ignored: false })),
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
