// Tokenizes Seg text with the extension's TextMate grammar, using the engine VS Code itself uses
// (vscode-textmate on the Oniguruma WebAssembly build). The tests import it; run it directly to
// see which scope every token gets while working on the grammar:
//
//   node scripts/tokenize.mjs ../../examples/segments/cart.seg
//   echo 'segment s { all { cart.subtotal >= 1 } }' | node scripts/tokenize.mjs -

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);
const vsctm = require('vscode-textmate');
const oniguruma = require('vscode-oniguruma');

export const extensionDir = join(dirname(fileURLToPath(import.meta.url)), '..');
export const grammarPath = join(extensionDir, 'syntaxes', 'seg.tmLanguage.json');

let grammarPromise;

/** The `source.seg` grammar, loaded once per process. */
export function loadGrammar() {
  grammarPromise ??= (async () => {
    const wasm = readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
    await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
    const registry = new vsctm.Registry({
      onigLib: Promise.resolve({
        createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
        createOnigString: (text) => new oniguruma.OnigString(text),
      }),
      loadGrammar: async (scopeName) => {
        if (scopeName !== 'source.seg') return null;
        return vsctm.parseRawGrammar(readFileSync(grammarPath, 'utf8'), grammarPath);
      },
    });
    return registry.loadGrammar('source.seg');
  })();
  return grammarPromise;
}

/**
 * Every token of `text`: its text, its scopes (outermost first), its 0-based line and column and
 * its offset in `text`. Lines are split like VS Code does (`\r\n`, `\n`).
 */
export function tokenize(grammar, text) {
  const tokens = [];
  let ruleStack = vsctm.INITIAL;
  let lineOffset = 0;
  const lines = text.split(/\r?\n/);
  const separators = text.match(/\r?\n/g) ?? [];
  lines.forEach((line, lineIndex) => {
    const result = grammar.tokenizeLine(line, ruleStack);
    for (const token of result.tokens) {
      const end = Math.min(token.endIndex, line.length);
      if (token.startIndex >= end) continue;
      tokens.push({
        text: line.slice(token.startIndex, end),
        scopes: token.scopes,
        line: lineIndex,
        column: token.startIndex,
        offset: lineOffset + token.startIndex,
      });
    }
    ruleStack = result.ruleStack;
    lineOffset += line.length + (separators[lineIndex]?.length ?? 0);
  });
  return tokens;
}

/** The scopes at character `offset` of `text` (the token that covers it). */
export function scopesAt(tokens, offset) {
  const token = tokens.find((t) => t.offset <= offset && offset < t.offset + t.text.length);
  return token ? token.scopes : [];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const file = process.argv[2];
  if (!file) {
    console.error('usage: node scripts/tokenize.mjs FILE.seg|-');
    process.exit(2);
  }
  const text = readFileSync(file === '-' ? 0 : file, 'utf8');
  const grammar = await loadGrammar();
  for (const token of tokenize(grammar, text)) {
    console.log(
      `${token.line + 1}:${token.column + 1}\t${JSON.stringify(token.text)}\t${token.scopes.slice(1).join(' ') || '(source.seg only)'}`,
    );
  }
}
