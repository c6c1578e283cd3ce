// Runs the bundled client (dist/extension.js, as packaged) outside VS Code: a stand-in `vscode`
// module provides the few APIs the client uses, and test/fixtures/fake-seg plays the language
// server. The test checks that activation starts `<seg.server.path> lsp <extraArgs…>` over stdio,
// completes the LSP handshake, watches seg.toml and the schema files, and that deactivation
// shuts the server down.

import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { extensionDir } from '../scripts/tokenize.mjs';

const require = createRequire(import.meta.url);
const Module = require('node:module');

const bundlePath = join(extensionDir, 'dist', 'extension.js');
const fakeServer = join(extensionDir, 'test', 'fixtures', 'fake-seg');
const workDir = mkdtempSync(join(tmpdir(), 'seg-vscode-client-'));
const serverLog = join(workDir, 'server.jsonl');

// ---- The stand-in `vscode` module -----------------------------------------------------------------

/** Anything the client touches that the test does not care about: callable, constructible, inert. */
function inert(path = 'vscode') {
  const target = function () {};
  return new Proxy(target, {
    get(_, property) {
      if (property === 'then') return undefined; // not a promise
      if (property === Symbol.toPrimitive) return () => `[${path}]`;
      if (property === Symbol.iterator) return function* () {};
      if (property === 'dispose') return () => {};
      return inert(`${path}.${String(property)}`);
    },
    apply: () => inert(`${path}()`),
    construct: () => inert(`new ${path}`),
  });
}

class Disposable {
  static from(...items) {
    return new Disposable(() => items.forEach((item) => item?.dispose?.()));
  }
  constructor(onDispose) {
    this.onDispose = onDispose;
  }
  dispose() {
    this.onDispose?.();
  }
}

class EventEmitter {
  listeners = new Set();
  event = (listener) => {
    this.listeners.add(listener);
    return new Disposable(() => this.listeners.delete(listener));
  };
  fire(value) {
    this.listeners.forEach((listener) => listener(value));
  }
  dispose() {
    this.listeners.clear();
  }
}

const noEvent = () => new Disposable();
const settings = {
  'server.path': fakeServer,
  'server.extraArgs': ['--log-level', 'debug'],
  'trace.server': 'off',
};
const watchers = [];
const commands = new Map();
const errorMessages = [];
const outputLines = [];

const vscode = new Proxy(
  {
    version: '1.85.0',
    Disposable,
    EventEmitter,
    env: { appName: 'Visual Studio Code (test)', language: 'en', machineId: 'test', sessionId: 'test', uriScheme: 'vscode' },
    Uri: {
      file: (fsPath) => ({ scheme: 'file', fsPath, path: fsPath, toString: () => `file://${fsPath}` }),
      parse: (value) => ({ scheme: value.split(':')[0], fsPath: value.replace(/^file:\/\//, ''), toString: () => value }),
    },
    workspace: new Proxy(
      {
        workspaceFolders: [{ uri: { scheme: 'file', fsPath: workDir, toString: () => `file://${workDir}` }, name: 'w', index: 0 }],
        textDocuments: [],
        notebookDocuments: [],
        getConfiguration: (section) => ({
          get: (key, fallback) => {
            const full = section ? `${section}.${key}` : key;
            const relative = full.startsWith('seg.') ? full.slice(4) : full;
            return relative in settings ? settings[relative] : fallback;
          },
          has: () => false,
          inspect: () => undefined,
          update: async () => {},
        }),
        createFileSystemWatcher: (glob) => {
          const watcher = { glob, onDidCreate: noEvent, onDidChange: noEvent, onDidDelete: noEvent, dispose() {} };
          watchers.push(watcher);
          return watcher;
        },
        onDidChangeConfiguration: noEvent,
        onDidOpenTextDocument: noEvent,
        onDidCloseTextDocument: noEvent,
        onDidChangeTextDocument: noEvent,
        onDidSaveTextDocument: noEvent,
        onWillSaveTextDocument: noEvent,
        onDidChangeWorkspaceFolders: noEvent,
        onDidOpenNotebookDocument: noEvent,
        onDidCloseNotebookDocument: noEvent,
        onDidChangeNotebookDocument: noEvent,
        onDidSaveNotebookDocument: noEvent,
      },
      { get: (target, property) => (property in target ? target[property] : inert(`workspace.${String(property)}`)) },
    ),
    window: new Proxy(
      {
        activeTextEditor: undefined,
        visibleTextEditors: [],
        onDidChangeActiveTextEditor: noEvent,
        onDidChangeVisibleTextEditors: noEvent,
        createOutputChannel: (name) => ({
          name,
          append: (text) => outputLines.push(text),
          appendLine: (text) => outputLines.push(text),
          replace() {},
          clear() {},
          show() {},
          hide() {},
          dispose() {},
        }),
        showErrorMessage: async (message) => {
          errorMessages.push(message);
          return undefined;
        },
      },
      { get: (target, property) => (property in target ? target[property] : inert(`window.${String(property)}`)) },
    ),
    commands: new Proxy(
      {
        registerCommand: (id, callback) => {
          commands.set(id, callback);
          return new Disposable(() => commands.delete(id));
        },
        executeCommand: async () => undefined,
      },
      { get: (target, property) => (property in target ? target[property] : inert(`commands.${String(property)}`)) },
    ),
  },
  { get: (target, property) => (property in target ? target[property] : inert(String(property))) },
);

// ---- The test ------------------------------------------------------------------------------------

function serverMessages() {
  return existsSync(serverLog)
    ? readFileSync(serverLog, 'utf8')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line))
    : [];
}

async function waitFor(what, predicate, timeoutMs = 10_000) {
  const start = Date.now();
  while (!predicate()) {
    if (Date.now() - start > timeoutMs) assert.fail(`timed out waiting for ${what}; server saw: ${JSON.stringify(serverMessages())}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('the bundled client (dist/extension.js)', () => {
  let extension;
  const context = { subscriptions: [], extensionPath: extensionDir, extensionUri: { fsPath: extensionDir } };
  const originalLoad = Module._load;

  before(() => {
    assert.ok(existsSync(bundlePath), 'dist/extension.js is missing: run `npm run build`');
    process.env.FAKE_SEG_LOG = serverLog;
    chmodSync(fakeServer, 0o755); // in case a checkout lost the executable bit
    Module._load = function (request, ...rest) {
      return request === 'vscode' ? vscode : originalLoad.call(this, request, ...rest);
    };
    extension = require(bundlePath);
  });

  after(() => {
    Module._load = originalLoad;
    rmSync(workDir, { recursive: true, force: true });
  });

  test('exports activate and deactivate', () => {
    assert.equal(typeof extension.activate, 'function');
    assert.equal(typeof extension.deactivate, 'function');
  });

  test('activate starts `seg lsp <extraArgs>` over stdio and completes the handshake', async () => {
    await extension.activate(context);
    assert.deepEqual(errorMessages, [], `outputs: ${outputLines.join('\n')}`);
    await waitFor('initialized', () => serverMessages().some((m) => m.method === 'initialized'));
    const [start, initialize] = serverMessages();
    assert.deepEqual(start.argv, ['lsp', '--log-level', 'debug']);
    assert.equal(start.cwd, workDir, 'the server runs in the workspace folder');
    assert.equal(initialize.method, 'initialize');
    assert.equal(initialize.params.processId, process.pid);
    assert.equal(initialize.params.rootUri, `file://${workDir}`);
    assert.ok(initialize.params.capabilities.textDocument, 'the client announces its capabilities');
  });

  test('watches seg.toml and the schema files for the server', () => {
    const globs = watchers.map((w) => w.glob);
    assert.ok(globs.includes('**/seg.toml'), globs.join(', '));
    assert.ok(globs.includes('**/*.json'), globs.join(', '));
  });

  test('registers its commands', () => {
    assert.ok(commands.has('seg.restartServer'));
    assert.ok(commands.has('seg.showOutput'));
  });

  test('deactivate shuts the server down (shutdown, then exit)', async () => {
    await extension.deactivate();
    await waitFor('exit', () => serverMessages().some((m) => m.method === 'exit'));
    const methods = serverMessages().map((m) => m.method);
    assert.ok(methods.indexOf('shutdown') < methods.indexOf('exit'), methods.join(', '));
  });

  test('a missing binary gives an error message naming the setting, not an exception', async () => {
    settings['server.path'] = join(workDir, 'no-such-seg');
    await extension.activate({ subscriptions: [] });
    await waitFor('the error message', () => errorMessages.length > 0);
    assert.equal(errorMessages.length, 1, errorMessages.join('\n'));
    assert.match(errorMessages[0], /seg\.server\.path/);
    assert.match(errorMessages[0], /cargo install --path crates\/seg-cli/);
    await extension.deactivate();
  });

  test('a relative seg.server.path is relative to the workspace folder', async () => {
    mkdirSync(join(workDir, 'bin'));
    symlinkSync(fakeServer, join(workDir, 'bin', 'seg'));
    settings['server.path'] = './bin/seg';
    settings['server.extraArgs'] = [];
    rmSync(serverLog, { force: true });
    await extension.activate({ subscriptions: [] });
    await waitFor('initialized', () => serverMessages().some((m) => m.method === 'initialized'));
    assert.deepEqual(serverMessages()[0].argv, ['lsp']);
    await extension.deactivate();
    await waitFor('exit', () => serverMessages().some((m) => m.method === 'exit'));
  });
});
