// The manifest declares what the brief of the extension asks for, and the .vsix built by
// scripts/test.sh (`npm run package`) holds exactly the files VS Code needs. A .vsix is a zip;
// it is read here with a few lines of code so that the test needs no `unzip` on the machine.

import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { inflateRawSync } from 'node:zlib';

import { extensionDir } from '../scripts/tokenize.mjs';

const manifest = JSON.parse(readFileSync(join(extensionDir, 'package.json'), 'utf8'));
const vsixPath = join(extensionDir, 'seg.vsix');

/** The entries of a zip file: name → contents (stored or deflated). */
function readZip(path) {
  const zip = readFileSync(path);
  let end = zip.length - 22;
  while (end >= 0 && zip.readUInt32LE(end) !== 0x06054b50) end--;
  assert.ok(end >= 0, `${path} is not a zip file`);
  const count = zip.readUInt16LE(end + 10);
  let offset = zip.readUInt32LE(end + 16);
  const entries = new Map();
  for (let n = 0; n < count; n++) {
    assert.equal(zip.readUInt32LE(offset), 0x02014b50, 'bad central directory');
    const method = zip.readUInt16LE(offset + 10);
    const compressedSize = zip.readUInt32LE(offset + 20);
    const nameLength = zip.readUInt16LE(offset + 28);
    const extraLength = zip.readUInt16LE(offset + 30);
    const commentLength = zip.readUInt16LE(offset + 32);
    const localOffset = zip.readUInt32LE(offset + 42);
    const name = zip.toString('utf8', offset + 46, offset + 46 + nameLength);
    const dataStart = localOffset + 30 + zip.readUInt16LE(localOffset + 26) + zip.readUInt16LE(localOffset + 28);
    const data = zip.subarray(dataStart, dataStart + compressedSize);
    entries.set(name, () => (method === 8 ? inflateRawSync(data) : Buffer.from(data)));
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

describe('package.json', () => {
  test('identity and engine', () => {
    assert.equal(manifest.name, 'seg');
    assert.equal(manifest.publisher, 'seg-lang');
    assert.equal(manifest.version, '0.1.0');
    assert.ok(manifest.displayName);
    assert.equal(manifest.engines.vscode, '^1.85.0');
    assert.equal(manifest.main, './dist/extension.js');
    // vsce prompts without a license, and without a repository unless told there is none.
    assert.ok(manifest.license);
    assert.equal(manifest.repository, undefined, 'no made-up repository address');
    assert.match(manifest.scripts.package, /--allow-missing-repository/);
    assert.ok(existsSync(join(extensionDir, 'LICENSE')));
    assert.ok(manifest.activationEvents.includes('onLanguage:seg'));
  });

  test('the language, grammar and snippets it contributes exist and agree', () => {
    const [language] = manifest.contributes.languages;
    assert.equal(language.id, 'seg');
    assert.deepEqual(language.extensions, ['.seg']);
    assert.equal(language.configuration, './language-configuration.json');
    const languageConfiguration = JSON.parse(readFileSync(join(extensionDir, language.configuration), 'utf8'));
    assert.equal(languageConfiguration.comments.lineComment, '//');
    for (const pair of ['{}', '[]', '()']) {
      assert.ok(languageConfiguration.brackets.some(([open, close]) => open + close === pair), pair);
    }
    assert.ok(languageConfiguration.autoClosingPairs.some((p) => p.open === '"' && p.close === '"'));
    assert.ok(languageConfiguration.surroundingPairs.some(([open, close]) => open === '"' && close === '"'));
    const { increaseIndentPattern, decreaseIndentPattern } = languageConfiguration.indentationRules;
    assert.match('  all {', new RegExp(increaseIndentPattern));
    assert.doesNotMatch('  all { city is "x" }', new RegExp(increaseIndentPattern));
    assert.doesNotMatch('  // a comment {', new RegExp(increaseIndentPattern));
    assert.match('  }', new RegExp(decreaseIndentPattern));

    const [grammarContribution] = manifest.contributes.grammars;
    assert.equal(grammarContribution.language, 'seg');
    assert.equal(grammarContribution.scopeName, 'source.seg');
    const grammar = JSON.parse(readFileSync(join(extensionDir, grammarContribution.path), 'utf8'));
    assert.equal(grammar.scopeName, 'source.seg');

    const [snippetContribution] = manifest.contributes.snippets;
    assert.equal(snippetContribution.language, 'seg');
    const snippets = JSON.parse(readFileSync(join(extensionDir, snippetContribution.path), 'utf8'));
    const bodies = Object.values(snippets).map((s) => [].concat(s.body).join('\n'));
    assert.ok(bodies.some((b) => b.includes('segment ${1:')), 'a segment skeleton');
    assert.ok(bodies.some((b) => /orders within last/.test(b)), 'an `any orders … within last` block');
    assert.ok(bodies.some((b) => /sum,count,avg,min,max/.test(b)), 'an aggregate condition');
    assert.ok(bodies.some((b) => b.startsWith('in segment ')), '`in segment`');
  });

  test('settings', () => {
    const properties = manifest.contributes.configuration.properties;
    assert.equal(properties['seg.server.path'].default, 'seg');
    assert.deepEqual(properties['seg.server.extraArgs'].default, []);
    assert.deepEqual(properties['seg.trace.server'].enum, ['off', 'messages', 'verbose']);
  });

  test('@types/vscode is not newer than the engine (vsce refuses to package otherwise)', () => {
    const types = manifest.devDependencies['@types/vscode'].replace(/^[~^]/, '');
    const engine = manifest.engines.vscode.replace(/^[~^]/, '');
    const [typesMajor, typesMinor] = types.split('.').map(Number);
    const [engineMajor, engineMinor] = engine.split('.').map(Number);
    assert.ok(typesMajor < engineMajor || (typesMajor === engineMajor && typesMinor <= engineMinor), `${types} > ${engine}`);
  });
});

describe('seg.vsix', () => {
  test('was built by `npm run package`', () => {
    assert.ok(existsSync(vsixPath), 'seg.vsix is missing: run `bash scripts/test.sh` (it packages first)');
  });

  const entries = existsSync(vsixPath) ? readZip(vsixPath) : new Map();

  test('holds the manifest, the bundle and the declarative contributions', () => {
    for (const name of [
      'extension/package.json',
      'extension/dist/extension.js',
      'extension/syntaxes/seg.tmLanguage.json',
      'extension/language-configuration.json',
      'extension/snippets/seg.json',
      'extension.vsixmanifest',
    ]) {
      assert.ok(entries.has(name), `${name} is not in seg.vsix (it has: ${[...entries.keys()].join(', ')})`);
    }
  });

  test('leaves out sources, tests and node_modules (the client is bundled)', () => {
    for (const name of entries.keys()) {
      assert.doesNotMatch(name, /^extension\/(src|test|scripts|node_modules)\//, name);
      assert.doesNotMatch(name, /\.map$|tsconfig\.json$|package-lock\.json$/, name);
    }
  });

  test('packs the files of this folder, byte for byte', () => {
    for (const path of ['package.json', 'syntaxes/seg.tmLanguage.json', 'language-configuration.json', 'snippets/seg.json']) {
      const packed = JSON.parse(entries.get(`extension/${path}`)().toString('utf8'));
      const source = JSON.parse(readFileSync(join(extensionDir, path), 'utf8'));
      // vsce adds nothing to these files but may reformat package.json.
      assert.deepEqual(packed, source, path);
    }
  });

  test('the bundle is self-contained: it requires only vscode and Node built-ins', () => {
    const bundle = entries.get('extension/dist/extension.js')().toString('utf8');
    const required = new Set([...bundle.matchAll(/\brequire\("([^"]+)"\)/g)].map((m) => m[1]));
    assert.ok(required.has('vscode'));
    for (const name of required) {
      assert.ok(name === 'vscode' || /^(node:)?[a-z_]+(\/[a-z_]+)?$/.test(name), `the bundle requires ${name}`);
      if (name !== 'vscode') {
        assert.doesNotThrow(() => import.meta.resolve(name.startsWith('node:') ? name : `node:${name}`), name);
      }
    }
  });
});
