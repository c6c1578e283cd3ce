// The TextMate grammar must know every keyword of grammar/seg.pest (the one source of the
// syntax). This test reads the pest grammar, extracts the keyword literals (the quoted word of
// each `kw_*` rule), generates sentences from the pest rules themselves — so each keyword
// appears in every construct that uses it (`is not empty`, `on or before`, `contains any of`,
// `within last`, `in segment`, `count(… where { … })` …) — and checks the scope each keyword gets
// there. A keyword added to the pest grammar without teaching the TextMate grammar fails here.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';

import { extensionDir, loadGrammar, scopesAt, tokenize } from '../scripts/tokenize.mjs';

const pestPath = join(extensionDir, '..', '..', 'grammar', 'seg.pest');
const pestSource = readFileSync(pestPath, 'utf8');

// ---- A small reader for the pest grammar ----------------------------------------------------------

function lexPest(source) {
  const tokens = [];
  const regex = /\s+|\/\/[^\n]*|"((?:[^"\\]|\\.)*)"|([A-Za-z_][A-Za-z0-9_]*)|(\{\s*\d*\s*,?\s*\d*\s*\})|([=@_$!&~|?*+(){}])/y;
  let match;
  while (regex.lastIndex < source.length && (match = regex.exec(source))) {
    if (match[1] !== undefined) tokens.push({ type: 'string', value: JSON.parse(`"${match[1].replace(/\\u\{([0-9A-Fa-f]+)\}/g, (_, h) => String.fromCodePoint(parseInt(h, 16)).replace(/"/g, '\\"'))}"`) });
    else if (match[2] !== undefined) tokens.push({ type: 'ident', value: match[2] });
    else if (match[3] !== undefined && /\d/.test(match[3])) tokens.push({ type: 'repeat', value: match[3] });
    else if (match[4] !== undefined) tokens.push({ type: 'sym', value: match[4] });
    else if (match[3] !== undefined) tokens.push({ type: 'sym', value: '{' }, { type: 'sym', value: '}' });
  }
  assert.equal(regex.lastIndex, source.length, `cannot read seg.pest at offset ${regex.lastIndex}`);
  return tokens;
}

/** Rules as expression trees: `{ kind: 'seq' | 'choice' | 'lit' | 'ref' | 'opt' | 'star' | 'plus' | 'not' | 'and' }`. */
function parsePest(source) {
  const tokens = lexPest(source);
  let i = 0;
  const peek = () => tokens[i];
  const isSym = (v) => tokens[i]?.type === 'sym' && tokens[i].value === v;
  const expect = (v) => {
    assert.ok(isSym(v), `seg.pest: expected ${v} at token ${i}, got ${JSON.stringify(tokens[i])}`);
    i++;
  };
  const rules = new Map();
  while (i < tokens.length) {
    const name = tokens[i++];
    assert.equal(name.type, 'ident', `seg.pest: a rule name expected, got ${JSON.stringify(name)}`);
    expect('=');
    // `_` (silent) lexes as an identifier when it stands before `{`.
    if (peek().type === 'ident' && peek().value === '_') i++;
    else if (['@', '$', '!', '_'].includes(peek().value) && peek().type === 'sym') i++;
    expect('{');
    rules.set(name.value, parseChoice());
    expect('}');
  }
  return rules;

  function parseChoice() {
    const alternatives = [parseSeq()];
    while (isSym('|')) {
      i++;
      alternatives.push(parseSeq());
    }
    return alternatives.length === 1 ? alternatives[0] : { kind: 'choice', items: alternatives };
  }
  function parseSeq() {
    if (isSym('|')) i++; // a leading `|` in a multi-line choice
    const items = [parseTerm()];
    while (isSym('~')) {
      i++;
      items.push(parseTerm());
    }
    return items.length === 1 ? items[0] : { kind: 'seq', items };
  }
  function parseTerm() {
    if (isSym('!') || isSym('&')) {
      const kind = tokens[i++].value === '!' ? 'not' : 'and';
      return { kind, item: parseTerm() };
    }
    let node;
    const token = tokens[i++];
    if (token.type === 'string') node = { kind: 'lit', value: token.value };
    else if (token.type === 'ident') node = { kind: 'ref', name: token.value };
    else if (token.type === 'sym' && token.value === '(') {
      node = parseChoice();
      expect(')');
    } else assert.fail(`seg.pest: unexpected ${JSON.stringify(token)}`);
    for (;;) {
      if (isSym('?')) node = { kind: 'opt', item: node };
      else if (isSym('*')) node = { kind: 'star', item: node };
      else if (isSym('+')) node = { kind: 'plus', item: node };
      else if (peek()?.type === 'repeat') node = { kind: 'plus', item: node };
      else break;
      i++;
    }
    return node;
  }
}

const rules = parsePest(pestSource);

/** The keyword rules (`kw_*`) and the literal each one matches. */
const keywordRules = [...rules]
  .filter(([name]) => name.startsWith('kw_'))
  .map(([name, expr]) => {
    const literal = expr.kind === 'lit' ? expr : expr.items?.find((item) => item.kind === 'lit');
    assert.ok(literal, `${name} has no quoted word`);
    return { rule: name, word: literal.value };
  });
const keywords = keywordRules.map((k) => k.word);

/** The keywords that are aggregate functions (`agg_fn = _{ kw_count | … }`). */
const aggregateRule = rules.get('agg_fn');
const aggregateKeywords = new Set(
  (aggregateRule.kind === 'choice' ? aggregateRule.items : [aggregateRule]).map(
    (ref) => keywordRules.find((k) => k.rule === ref.name).word,
  ),
);

// ---- Sentences of the grammar -----------------------------------------------------------------------

// Leaves: the lexical rules, written out as a shopper's segment would write them.
const LEAVES = {
  SOI: [''],
  EOI: [''],
  ident: ['x'],
  string: ['"v"'],
  number: ['42', '19.99'],
  date: ['2026-01-31'],
  datetime: ['2026-01-31T09:30:00Z'],
  boolean: ['true', 'false'],
  duration: ['3 days', '12 hours', '2 weeks'],
};
// What a recursive rule stands for inside itself (a condition inside a combiner …).
const RECURSION_BASES = {
  condition: ['logged_in is true'],
  block: ['{ }'],
  operand: ['"v"'],
  value: ['"v"'],
};

/**
 * Sentences that together use every alternative of every rule once (not every combination):
 * a choice contributes the sentences of each alternative, a sequence zips its parts'.
 */
function sentences(expr, inProgress = new Set(), memo = new Map()) {
  switch (expr.kind) {
    case 'lit':
      return [expr.value];
    case 'not':
    case 'and':
      return [''];
    case 'opt':
    case 'star':
      return [...sentences(expr.item, inProgress, memo), ''];
    case 'plus':
      return sentences(expr.item, inProgress, memo);
    case 'choice':
      return expr.items.flatMap((item) => sentences(item, inProgress, memo));
    case 'seq': {
      const parts = expr.items.map((item) => sentences(item, inProgress, memo));
      const count = Math.max(...parts.map((p) => p.length));
      return Array.from({ length: count }, (_, n) => parts.map((p) => p[n % p.length]).join(' '));
    }
    case 'ref': {
      const { name } = expr;
      if (LEAVES[name]) return LEAVES[name];
      if (inProgress.has(name)) {
        assert.ok(RECURSION_BASES[name], `seg.pest: rule ${name} is recursive; give it a base sentence in this test`);
        return RECURSION_BASES[name];
      }
      if (memo.has(name)) return memo.get(name);
      const rule = rules.get(name);
      assert.ok(rule, `seg.pest: unknown rule ${name}`);
      inProgress.add(name);
      const result = sentences(rule, inProgress, memo);
      inProgress.delete(name);
      memo.set(name, result);
      return result;
    }
    default:
      assert.fail(`unknown node ${expr.kind}`);
  }
}

const tidy = (text) =>
  text
    .replace(/\s+/g, ' ')
    .replace(/ \. /g, '.')
    .trim();
const files = [...new Set(sentences({ kind: 'ref', name: 'file' }).map(tidy))].filter(Boolean);

const grammar = await loadGrammar();
const innermost = (scopes) => scopes[scopes.length - 1];
const keywordPattern = new RegExp(`(?<![\\w.])(?:${keywords.join('|')})(?!\\w)`, 'g');

describe('keywords of grammar/seg.pest', () => {
  test('the keyword literals are read from seg.pest', () => {
    assert.ok(keywords.length >= 40, `only ${keywords.length} keywords found`);
    for (const word of ['segment', 'applies_to', 'anniversary', 'where', 'count', 'contain']) {
      assert.ok(keywords.includes(word), `${word} not found`);
    }
    assert.deepEqual([...aggregateKeywords].sort(), ['avg', 'count', 'max', 'min', 'sum']);
  });

  test(`the grammar's sentences use every keyword (${files.length} generated files)`, () => {
    const used = new Set(files.flatMap((file) => file.match(keywordPattern) ?? []));
    const missing = keywords.filter((word) => !used.has(word));
    assert.deepEqual(missing, [], 'keywords no generated sentence uses');
  });

  for (const word of keywords) {
    const expected = aggregateKeywords.has(word) ? 'support.function.aggregate.seg' : 'keyword.*';
    test(`"${word}" is ${expected} in every construct that uses it`, () => {
      let seen = 0;
      for (const file of files) {
        const tokens = tokenize(grammar, file);
        for (const match of file.matchAll(keywordPattern)) {
          if (match[0] !== word) continue;
          seen++;
          const token = tokens.find((t) => t.offset === match.index);
          assert.ok(token, `no token starts at "${word}" in: ${file}`);
          assert.equal(token.text, word, `"${word}" is part of the token ${JSON.stringify(token.text)} in: ${file}`);
          const scope = innermost(token.scopes);
          if (aggregateKeywords.has(word)) {
            assert.equal(scope, 'support.function.aggregate.seg', `in: ${file}`);
          } else {
            assert.match(scope, /^keyword\.[a-z.-]+\.seg$/, `"${word}" is ${scope} in: ${file}`);
          }
        }
      }
      assert.ok(seen > 0, `"${word}" was not exercised`);
    });
  }

  test('every generated sentence is fully scoped: no unknown character, nothing left unscoped', () => {
    for (const file of files) {
      for (const token of tokenize(grammar, file)) {
        if (/^\s+$/.test(token.text)) continue;
        assert.ok(token.scopes.length > 1, `${JSON.stringify(token.text)} has only the root scope in: ${file}`);
        const scope = innermost(token.scopes);
        // `applies_to x` is generated with a placeholder audience, which is rightly invalid.
        if (scope === 'invalid.illegal.audience.seg') continue;
        assert.ok(!scope.startsWith('invalid.'), `${JSON.stringify(token.text)} is ${scope} in: ${file}`);
      }
    }
  });
});

describe('the specific scope of each kind of keyword', () => {
  // One line per family, so that a theme author can rely on the names in the README.
  const cases = [
    ['segment s { }', 'segment', 'keyword.other.segment.seg'],
    ['segment s { name "n" }', 'name', 'keyword.other.property.seg'],
    ['segment s { description "d" }', 'description', 'keyword.other.property.seg'],
    ['segment s { applies_to everyone }', 'applies_to', 'keyword.other.property.seg'],
    ['segment s { websites ["base"] }', 'websites', 'keyword.other.property.seg'],
    ['segment s { active false }', 'active', 'keyword.other.property.seg'],
    ['segment s { all { } }', 'all', 'keyword.control.logical.seg'],
    ['segment s { any { } }', 'any', 'keyword.control.logical.seg'],
    ['segment s { none { } }', 'none', 'keyword.control.logical.seg'],
    ['segment s { not logged_in is true }', 'not', 'keyword.control.logical.seg'],
    ['segment s { not in segment t }', 'not', 'keyword.control.logical.seg'],
    ['segment s { any orders { } }', 'any', 'keyword.control.quantifier.seg'],
    ['segment s { all orders { } }', 'all', 'keyword.control.quantifier.seg'],
    ['segment s { no orders { } }', 'no', 'keyword.control.quantifier.seg'],
    ['segment s { in segment t }', 'in', 'keyword.operator.wordlike.seg'],
    ['segment s { sum(orders.tax where { }) > 1 }', 'where', 'keyword.other.where.seg'],
    ['segment s { customer.x is not empty }', 'empty', 'keyword.operator.wordlike.seg'],
    ['segment s { customer.x within last 2 weeks }', 'within', 'keyword.operator.wordlike.seg'],
    ['segment s { customer.x within last 2 weeks }', 'weeks', 'keyword.other.unit.seg'],
    ['segment s { customer.x within last 1 day }', 'day', 'keyword.other.unit.seg'],
    ['segment s { customer.x more than 1 hour ago }', 'hour', 'keyword.other.unit.seg'],
    ['segment s { customer.x more than 1 week ago }', 'week', 'keyword.other.unit.seg'],
    ['segment s { customer.x == 1 }', '==', 'keyword.operator.comparison.seg'],
    ['segment s { customer.x != 1 }', '!=', 'keyword.operator.comparison.seg'],
  ];
  for (const [text, word, scope] of cases) {
    test(`${JSON.stringify(word)} in ${JSON.stringify(text)} is ${scope}`, () => {
      const offset = text.lastIndexOf(word) === text.indexOf(word) ? text.indexOf(word) : text.indexOf(` ${word} `) + 1;
      assert.equal(innermost(scopesAt(tokenize(grammar, text), offset)), scope);
    });
  }
});
