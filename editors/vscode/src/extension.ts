// The VS Code side of Seg: starts the language server (`seg lsp`, LSP over stdio) for `.seg`
// files. Highlighting, snippets, brackets and comments are declarative (package.json,
// syntaxes/, snippets/, language-configuration.json) and work without the server; everything
// that needs the schema — diagnostics, completion, hover, formatting — comes from the server.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  LanguageClient,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';

/** The client id: VS Code reads `seg.trace.server` for a client of this id. */
const CLIENT_ID = 'seg';
const CLIENT_NAME = 'Seg Language Server';

let client: LanguageClient | undefined;
/** The file watchers of the running client, disposed with it. */
let watchers: vscode.FileSystemWatcher[] = [];
let outputChannel: vscode.OutputChannel | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  outputChannel = vscode.window.createOutputChannel(CLIENT_NAME);
  context.subscriptions.push(outputChannel);

  context.subscriptions.push(
    vscode.commands.registerCommand('seg.restartServer', () => restartClient()),
    vscode.commands.registerCommand('seg.showOutput', () => outputChannel?.show(true)),
    vscode.workspace.onDidChangeConfiguration((event) => {
      // The trace level is applied by the client itself; only the command line needs a restart.
      if (event.affectsConfiguration('seg.server')) {
        void restartClient();
      }
    }),
  );

  await startClient();
}

export async function deactivate(): Promise<void> {
  await stopClient();
}

/** `seg lsp …` as configured: `seg.server.path` and `seg.server.extraArgs`. */
export function serverCommand(): { command: string; args: string[] } {
  const config = vscode.workspace.getConfiguration('seg');
  const configuredPath = config.get<string>('server.path')?.trim() || 'seg';
  const extraArgs = config.get<string[]>('server.extraArgs') ?? [];
  return {
    command: expandPath(configuredPath),
    args: ['lsp', ...extraArgs.map(String)],
  };
}

/**
 * Expands `~` and `${workspaceFolder}` so that a path like `${workspaceFolder}/target/debug/seg`
 * works in workspace settings. A bare name (`seg`) is left for the OS to find on PATH.
 */
function expandPath(value: string): string {
  let expanded = value;
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  if (folder) {
    expanded = expanded.replace(/\$\{workspaceFolder\}/g, folder);
  }
  if (expanded === '~' || expanded.startsWith('~/') || expanded.startsWith('~\\')) {
    expanded = path.join(os.homedir(), expanded.slice(1));
  }
  // A relative path with a folder in it (`./target/debug/seg`) is relative to the workspace.
  if (folder && /[\\/]/.test(expanded) && !path.isAbsolute(expanded)) {
    expanded = path.join(folder, expanded);
  }
  return expanded;
}

async function startClient(): Promise<void> {
  const { command, args } = serverCommand();
  const cwd = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;

  if (!findExecutable(command)) {
    // Not awaited: the notification stays until the user closes it, and activation must not wait.
    void reportMissingServer(command, args);
    return;
  }

  // No `transport` on purpose: an executable without one already talks LSP over stdio, while
  // `TransportKind.stdio` would append `--stdio`, and the server's command line is exactly
  // `seg lsp <extraArgs…>`.
  const serverOptions: ServerOptions = {
    command,
    args,
    options: cwd ? { cwd } : {},
  };

  // The project file names the schema and the catalog; when either changes, every segment has
  // to be checked again, so the server is told about changes to these files.
  watchers = ['**/seg.toml', '**/*.json', '**/*.ndjson'].map((glob) =>
    vscode.workspace.createFileSystemWatcher(glob),
  );
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ language: 'seg' }],
    outputChannel,
    synchronize: { fileEvents: watchers },
  };

  const newClient = new LanguageClient(CLIENT_ID, CLIENT_NAME, serverOptions, clientOptions);
  client = newClient;
  try {
    await newClient.start();
  } catch (error) {
    // The client has already shown its own error and the server's stderr is in the output.
    client = undefined;
    const message = error instanceof Error ? error.message : String(error);
    outputChannel?.appendLine(`Could not start \`${command} ${args.join(' ')}\`: ${message}`);
  }
}

/** The executable `command` names: a path, or a bare name looked up on PATH (as spawn does). */
function findExecutable(command: string): string | undefined {
  const isFile = (candidate: string) => {
    try {
      return fs.statSync(candidate).isFile();
    } catch {
      return false;
    }
  };
  const extensions =
    process.platform === 'win32' ? ['', ...(process.env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';')] : [''];
  if (command.includes('/') || command.includes('\\')) {
    return extensions.map((ext) => command + ext).find(isFile);
  }
  for (const dir of (process.env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    const found = extensions.map((ext) => path.join(dir, command + ext)).find(isFile);
    if (found) return found;
  }
  return undefined;
}

async function reportMissingServer(command: string, args: string[]): Promise<void> {
  outputChannel?.appendLine(`The Seg language server \`${command}\` was not found.`);
  const choice = await vscode.window.showErrorMessage(
    `Seg: the language server \`${command} ${args.join(' ')}\` was not found. ` +
      'Install it with `cargo install --path crates/seg-cli` (from the Seg repository) or set `seg.server.path`. ' +
      'Highlighting and snippets work without it.',
    'Open Settings',
  );
  if (choice === 'Open Settings') {
    await vscode.commands.executeCommand('workbench.action.openSettings', 'seg.server');
  }
}

async function stopClient(): Promise<void> {
  const running = client;
  client = undefined;
  watchers.forEach((watcher) => watcher.dispose());
  watchers = [];
  if (running) {
    try {
      await running.stop();
    } catch (error) {
      // A server that already died cannot be stopped; there is nothing left to clean up.
      outputChannel?.appendLine(`Stopping the server: ${String(error)}`);
    }
  }
}

async function restartClient(): Promise<void> {
  await stopClient();
  await startClient();
}
