// The other editors of editors/ are checked from here too, so that the one test command of the
// project covers them: the Helix entry's keys, the Neovim syntax file's keywords against
// grammar/seg.pest, and the Neovim plugin's own headless test when `nvim` is installed.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';

import { extensionDir } from '../scripts/tokenize.mjs';

const editorsDir = join(extensionDir, '..');
const repoDir = join(editorsDir, '..');
const has = (command) => spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;

describe('Helix', () => {
  const toml = readFileSync(join(editorsDir, 'helix', 'languages.toml'), 'utf8');

  test('languages.toml declares the language and the server', () => {
    const lines = toml.split('\n').map((line) => line.trim());
    for (const line of [
      '[[language]]',
      'name = "seg"',
      'scope = "source.seg"',
      'file-types = ["seg"]',
      'roots = ["seg.toml"]',
      'comment-token = "//"',
      'indent = { tab-width = 2, unit = "  " }',
      'language-servers = ["seg"]',
      '[language-server.seg]',
      'command = "seg"',
      'args = ["lsp"]',
    ]) {
      assert.ok(lines.includes(line), `missing: ${line}`);
    }
  });

  test('languages.toml is valid TOML', { skip: !has('python3') && 'python3 is not installed' }, (t) => {
    const result = spawnSync('python3', [
      '-c',
      'import sys\ntry:\n import tomllib\nexcept ImportError:\n sys.exit(3)\ntomllib.load(open(sys.argv[1], "rb"))',
      join(editorsDir, 'helix', 'languages.toml'),
    ]);
    if (result.status === 3) return t.skip('python3 has no tomllib (3.11+)');
    assert.equal(result.status, 0, result.stderr.toString());
  });

  test('its scope is the TextMate grammar’s', () => {
    const grammar = JSON.parse(readFileSync(join(extensionDir, 'syntaxes', 'seg.tmLanguage.json'), 'utf8'));
    assert.ok(toml.includes(`scope = "${grammar.scopeName}"`));
  });
});

describe('Neovim', () => {
  test('syntax/seg.vim highlights every keyword of grammar/seg.pest', () => {
    const pest = readFileSync(join(repoDir, 'grammar', 'seg.pest'), 'utf8');
    const keywords = [...pest.matchAll(/^kw_\w+\s*=\s*@?\{\s*"([a-z_]+)"/gm)].map((m) => m[1]);
    assert.ok(keywords.length >= 40, `only ${keywords.length} keywords in seg.pest`);
    const syntax = readFileSync(join(editorsDir, 'neovim', 'syntax', 'seg.vim'), 'utf8')
      .split('\n')
      .filter((line) => /^syn (keyword|match)/.test(line))
      .join('\n');
    const missing = keywords.filter((word) => !new RegExp(`(?<![\\w])${word}(?![\\w])`).test(syntax));
    assert.deepEqual(missing, [], 'keywords syntax/seg.vim does not know');
  });

  test('the plugin’s headless test passes', { skip: !has('nvim') && 'nvim is not installed' }, () => {
    const result = spawnSync('bash', [join(editorsDir, 'neovim', 'test', 'run.sh')], { timeout: 120_000 });
    const output = `${result.stdout}${result.stderr}`;
    assert.equal(result.status, 0, output);
    assert.match(output, /checks passed, 0 failed/);
  });
});
