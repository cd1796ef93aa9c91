import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol/node';
import { REPO_ROOT } from './paths';

/**
 * A minimal LSP client over the real server's stdio: it answers configuration requests from
 * `settings`, records showDocument requests, and lets a test wait for the next diagnostics.
 */
export class TestClient {
  readonly connection: ProtocolConnection;
  readonly shownDocuments: string[] = [];
  readonly messages: string[] = [];
  /** Edits the server asked to apply (workspace/applyEdit); all are accepted. */
  readonly appliedEdits: unknown[] = [];
  /** Capabilities the server registered dynamically. */
  readonly registrations: { method: string; registerOptions?: unknown }[] = [];
  settings: Record<string, unknown> = { enable: true, rules: {} };
  private readonly process: ChildProcess;
  private readonly diagnostics = new Map<string, PublishDiagnosticsParams[]>();
  private readonly waiters: { uri: string; predicate: (p: PublishDiagnosticsParams) => boolean; resolve: (p: PublishDiagnosticsParams) => void }[] = [];

  constructor() {
    this.process = spawn(process.execPath, [path.join(REPO_ROOT, 'bin', 'ffi-lens-server.js'), '--stdio'], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    this.connection = createProtocolConnection(
      new StreamMessageReader(this.process.stdout!),
      new StreamMessageWriter(this.process.stdin!),
    );
    this.connection.onRequest('workspace/configuration', (params: { items: { section?: string }[] }) =>
      params.items.map(() => this.settings),
    );
    this.connection.onRequest('client/registerCapability', (params: { registrations: { method: string; registerOptions?: unknown }[] }) => {
      this.registrations.push(...params.registrations);
      return null;
    });
    this.connection.onRequest('workspace/applyEdit', (params: { edit: unknown }) => {
      this.appliedEdits.push(params.edit);
      return { applied: true };
    });
    this.connection.onRequest('window/showDocument', (params: { uri: string }) => {
      this.shownDocuments.push(params.uri);
      return { success: true };
    });
    this.connection.onNotification('window/showMessage', (params: { message: string }) => {
      this.messages.push(params.message);
    });
    this.connection.onNotification('window/logMessage', (params: { message: string }) => {
      this.messages.push(params.message);
    });
    this.connection.onNotification('textDocument/publishDiagnostics', (params: PublishDiagnosticsParams) => {
      const list = this.diagnostics.get(params.uri) ?? [];
      list.push(params);
      this.diagnostics.set(params.uri, list);
      for (const waiter of [...this.waiters]) {
        if (waiter.uri === params.uri && waiter.predicate(params)) {
          this.waiters.splice(this.waiters.indexOf(waiter), 1);
          waiter.resolve(params);
        }
      }
    });
    this.connection.listen();
  }

  /** `workspace` replaces the workspace client capabilities (default: all the server uses). */
  async initialize(initializationOptions: Record<string, unknown> = {}, workspaceFolders: string[] = [], workspace?: Record<string, unknown>): Promise<unknown> {
    const result = await this.connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri: null,
      workspaceFolders: workspaceFolders.map((uri, index) => ({ uri, name: `folder${index}` })),
      capabilities: {
        workspace: workspace ?? {
          configuration: true,
          didChangeConfiguration: { dynamicRegistration: true },
          didChangeWatchedFiles: { dynamicRegistration: true },
          workspaceEdit: { documentChanges: true, resourceOperations: ['create'] },
        },
        window: { showDocument: { support: true } },
      },
      initializationOptions: { debounceMs: 20, ...initializationOptions },
    });
    await this.connection.sendNotification('initialized', {});
    return result;
  }

  /** Every diagnostics notification published for `uri` so far, oldest first. */
  published(uri: string): readonly PublishDiagnosticsParams[] {
    return this.diagnostics.get(uri) ?? [];
  }

  /** The next diagnostics published for `uri` that satisfy `predicate` (checked against later ones only). */
  nextDiagnostics(uri: string, predicate: (p: PublishDiagnosticsParams) => boolean = () => true): Promise<PublishDiagnosticsParams> {
    return new Promise((resolve) => this.waiters.push({ uri, predicate, resolve }));
  }

  async shutdown(): Promise<number | null> {
    const exited = new Promise<number | null>((resolve) => this.process.once('exit', resolve));
    await this.connection.sendRequest('shutdown');
    await this.connection.sendNotification('exit');
    const code = await exited;
    this.connection.dispose();
    return code;
  }
}
