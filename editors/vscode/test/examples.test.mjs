// Tokenizes every example segment with the TextMate grammar (vscode-textmate + Oniguruma, the
// engine VS Code uses) and checks the scopes: first concrete tokens picked from the examples,
// then every token of every example against a port of the editor lexer
// (crates/seg-syntax/src/lexer.rs), so that no word is left unscoped or scoped as the wrong kind.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';

import { extensionDir, loadGrammar, tokenize } from '../scripts/tokenize.mjs';

const examplesDir = join(extensionDir, '..', '..', 'examples', 'segments');
const exampleFiles = readdirSync(examplesDir)
  .filter((name) => name.endsWith('.seg'))
  .sort();

const grammar = await loadGrammar();
const examples = new Map(
  exampleFiles.map((name) => {
    const text = readFileSync(join(examplesDir, name), 'utf8');
    return [name, { text, tokens: tokenize(grammar, text) }];
  }),
);

const innermost = (scopes) => scopes[scopes.length - 1];

/**
 * The token for `token` on the first line of `file` that contains `line`: the `nth` occurrence
 * of `token` as a whole word (or as itself, for punctuation) on that line.
 */
function findToken(file, line, token, nth = 0) {
  const example = examples.get(file);
  assert.ok(example, `no example ${file}`);
  const lines = example.text.split('\n');
  const lineIndex = lines.findIndex((l) => l.includes(line));
  assert.notEqual(lineIndex, -1, `${file}: no line contains ${JSON.stringify(line)}`);
  const escaped = token.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  // A word is found as a whole word; a number not inside a longer number or date.
  const pattern = /^[0-9-]/.test(token)
    ? new RegExp(`(?<![\\w.-])${escaped}(?![\\w.])`, 'g')
    : /^\w/.test(token) && /\w$/.test(token)
      ? new RegExp(`(?<!\\w)${escaped}(?!\\w)`, 'g')
      : new RegExp(escaped, 'g');
  const matches = [...lines[lineIndex].matchAll(pattern)];
  assert.ok(matches.length > nth, `${file}:${lineIndex + 1}: no occurrence #${nth} of ${JSON.stringify(token)}`);
  const column = matches[nth].index;
  const found = example.tokens.find((t) => t.line === lineIndex && t.column === column);
  assert.ok(found, `${file}:${lineIndex + 1}:${column + 1}: no token starts at ${JSON.stringify(token)}`);
  return { ...found, where: `${file}:${lineIndex + 1}:${column + 1}` };
}

// [file, a line containing, the token, its innermost scope, (nth occurrence on the line)]
const expectations = [
  // comments and doc comments
  ['cart.seg', '// Cart: what is in the basket', '//', 'punctuation.definition.comment.seg'],
  ['cart.seg', '// Cart: what is in the basket', ' Cart: what is in the basket right now. Evaluated on every storefront request, for visitors', 'comment.line.double-slash.seg'],
  ['cart.seg', '/// Close to free shipping', '///', 'punctuation.definition.comment.seg'],
  ['cart.seg', '/// Close to free shipping', ' Close to free shipping (75.00): the banner "add X more for free shipping".', 'comment.line.documentation.seg'],
  ['cart.seg', 'cart.discount_amount is empty', '//', 'punctuation.definition.comment.seg'],
  ['cart.seg', 'cart.discount_amount is empty', ' no coupon applied yet', 'comment.line.double-slash.seg'],
  ['loyalty.seg', 'city is "Seoul"', ' compared case-insensitively: "SEOUL" and "seoul" match too', 'comment.line.double-slash.seg'],
  ['merchandising.seg', '/// Browsed watches this week', ' Browsed watches this week but has none in the cart: a related-product rule with watch straps,', 'comment.line.documentation.seg'],
  ['merchandising.seg', '/// for visitors and customers alike', ' for visitors and customers alike (so only visitor data: views and the cart).', 'comment.line.documentation.seg'],
  // segment header and properties
  ['cart.seg', 'segment near_free_shipping {', 'segment', 'keyword.other.segment.seg'],
  ['cart.seg', 'segment near_free_shipping {', 'near_free_shipping', 'entity.name.type.segment.seg'],
  ['cart.seg', 'segment near_free_shipping {', '{', 'punctuation.section.block.begin.seg'],
  ['cart.seg', 'name "Almost free shipping"', 'name', 'keyword.other.property.seg'],
  ['cart.seg', 'description "Cart subtotal between', 'description', 'keyword.other.property.seg'],
  ['cart.seg', 'applies_to everyone', 'applies_to', 'keyword.other.property.seg'],
  ['cart.seg', 'applies_to everyone', 'everyone', 'constant.language.audience.seg'],
  ['cart.seg', 'applies_to visitors', 'visitors', 'constant.language.audience.seg'],
  ['geo.seg', 'applies_to registered', 'registered', 'constant.language.audience.seg'],
  ['loyalty.seg', 'websites ["base", "kr"]', 'websites', 'keyword.other.property.seg'],
  ['seasonal.seg', 'active false', 'active', 'keyword.other.property.seg'],
  ['seasonal.seg', 'active false', 'false', 'constant.language.boolean.seg'],
  ['seasonal.seg', 'active true', 'true', 'constant.language.boolean.seg'],
  // strings
  ['cart.seg', 'name "Almost free shipping"', '"', 'punctuation.definition.string.begin.seg'],
  ['cart.seg', 'name "Almost free shipping"', 'Almost free shipping', 'string.quoted.double.seg'],
  ['cart.seg', 'name "Almost free shipping"', '"', 'punctuation.definition.string.end.seg', 1],
  ['cart.seg', 'description "Cart subtotal between', 'Cart subtotal between 50.00 and 74.99', 'string.quoted.double.seg'],
  ['geo.seg', 'city not in ["Seoul", "서울"]', '서울', 'string.quoted.double.seg'],
  ['lifecycle.seg', 'customer.email does not contain "+test"', '+test', 'string.quoted.double.seg'],
  // combiners, quantifiers, segment references
  ['cart.seg', 'all {', 'all', 'keyword.control.logical.seg'],
  ['loyalty.seg', 'any {', 'any', 'keyword.control.logical.seg'],
  ['merchandising.seg', 'none {', 'none', 'keyword.control.logical.seg'],
  ['lifecycle.seg', 'not billing_address { telephone', 'not', 'keyword.control.logical.seg'],
  ['merchandising.seg', 'not any viewed_products before', 'not', 'keyword.control.logical.seg'],
  ['merchandising.seg', 'not any viewed_products before', 'any', 'keyword.control.quantifier.seg'],
  ['cart.seg', 'any cart_items within last 3 days {', 'any', 'keyword.control.quantifier.seg'],
  ['geo.seg', 'all addresses { country_id is "KR" }', 'all', 'keyword.control.quantifier.seg'],
  ['cart.seg', 'no cart_items { sku starts with', 'no', 'keyword.control.quantifier.seg'],
  ['loyalty.seg', 'in segment vip_spenders', 'in', 'keyword.operator.wordlike.seg'],
  ['loyalty.seg', 'in segment vip_spenders', 'segment', 'keyword.other.segment.seg'],
  ['loyalty.seg', 'in segment vip_spenders', 'vip_spenders', 'entity.name.type.segment.reference.seg'],
  ['seasonal.seg', 'in segment near_free_shipping', 'near_free_shipping', 'entity.name.type.segment.reference.seg'],
  // collections and paths
  ['cart.seg', 'any cart_items within last 3 days {', 'cart_items', 'support.type.collection.seg'],
  ['geo.seg', 'all addresses { country_id is "KR" }', 'addresses', 'support.type.collection.seg'],
  ['geo.seg', 'shipping_address {', 'shipping_address', 'support.type.collection.seg'],
  ['geo.seg', '    billing_address {', 'billing_address', 'support.type.collection.seg'],
  ['merchandising.seg', 'any wishlist_items after', 'wishlist_items', 'support.type.collection.seg'],
  ['merchandising.seg', 'any viewed_products within last 7 days', 'viewed_products', 'support.type.collection.seg'],
  ['merchandising.seg', 'all ordered_products {', 'ordered_products', 'support.type.collection.seg'],
  ['seasonal.seg', 'any items {', 'items', 'support.type.collection.seg'],
  ['merchandising.seg', 'any orders.items within last 26 weeks', 'orders', 'support.type.collection.seg'],
  ['merchandising.seg', 'any orders.items within last 26 weeks', '.', 'punctuation.accessor.seg'],
  ['merchandising.seg', 'any orders.items within last 26 weeks', 'items', 'variable.other.property.seg'],
  ['cart.seg', 'cart.subtotal between 50 and 74.99', 'cart', 'variable.other.object.seg'],
  ['cart.seg', 'cart.subtotal between 50 and 74.99', '.', 'punctuation.accessor.seg'],
  ['cart.seg', 'cart.subtotal between 50 and 74.99', 'subtotal', 'variable.other.property.seg'],
  ['loyalty.seg', 'customer.group in ["VIP", "Wholesale"]', 'customer', 'variable.other.object.seg'],
  ['loyalty.seg', 'customer.group in ["VIP", "Wholesale"]', 'group', 'variable.other.property.seg'],
  ['cart.seg', 'avg(cart_items.product.price) >= 40', 'cart_items', 'support.type.collection.seg'],
  ['cart.seg', 'avg(cart_items.product.price) >= 40', 'product', 'variable.other.object.seg'],
  ['cart.seg', 'avg(cart_items.product.price) >= 40', 'price', 'variable.other.property.seg'],
  ['cart.seg', 'product.activity contains "Yoga"', 'product', 'variable.other.object.seg'],
  ['cart.seg', 'product.activity contains "Yoga"', 'activity', 'variable.other.property.seg'],
  ['cart.seg', 'price >= 10', 'price', 'variable.other.property.seg'],
  ['cart.seg', 'logged_in is false', 'logged_in', 'variable.other.property.seg'],
  ['cart.seg', 'no cart_items { sku starts with', 'sku', 'variable.other.property.seg'],
  ['geo.seg', 'region contains "land"', 'region', 'variable.other.property.seg'],
  ['loyalty.seg', 'status in ["complete", "closed"]', 'status', 'variable.other.property.seg'],
  ['seasonal.seg', 'created_at after 2025-12-01', 'created_at', 'variable.other.property.seg'],
  // operators
  ['cart.seg', 'cart.subtotal between 50 and 74.99', 'between', 'keyword.operator.wordlike.seg'],
  ['cart.seg', 'cart.subtotal between 50 and 74.99', 'and', 'keyword.operator.wordlike.seg'],
  ['cart.seg', 'cart.items_count >= 1', '>=', 'keyword.operator.comparison.seg'],
  ['cart.seg', 'cart.shipping_amount > 0', '>', 'keyword.operator.comparison.seg'],
  ['seasonal.seg', 'discount_amount < 0', '<', 'keyword.operator.comparison.seg'],
  ['loyalty.seg', ') <= 2000', '<=', 'keyword.operator.comparison.seg'],
  ['cart.seg', 'logged_in is false', 'is', 'keyword.operator.wordlike.seg'],
  ['cart.seg', 'cart.discount_amount is empty', 'empty', 'keyword.operator.wordlike.seg'],
  ['cart.seg', 'product.color is not "Black"', 'not', 'keyword.operator.wordlike.seg'],
  ['cart.seg', 'product.activity contains "Yoga"', 'contains', 'keyword.operator.wordlike.seg'],
  ['cart.seg', 'product.category_ids contains any of', 'any', 'keyword.operator.wordlike.seg'],
  ['cart.seg', 'product.category_ids contains any of', 'of', 'keyword.operator.wordlike.seg'],
  ['merchandising.seg', 'contains all of ["Running"]', 'all', 'keyword.operator.wordlike.seg'],
  ['cart.seg', 'no cart_items { sku starts with', 'starts', 'keyword.operator.wordlike.seg'],
  ['cart.seg', 'no cart_items { sku starts with', 'with', 'keyword.operator.wordlike.seg'],
  ['lifecycle.seg', 'customer.lastname ends with " "', 'ends', 'keyword.operator.wordlike.seg'],
  ['lifecycle.seg', 'customer.email does not contain', 'does', 'keyword.operator.wordlike.seg'],
  ['lifecycle.seg', 'customer.email does not contain', 'not', 'keyword.operator.wordlike.seg'],
  ['lifecycle.seg', 'customer.email does not contain', 'contain', 'keyword.operator.wordlike.seg'],
  ['geo.seg', 'city not in ["Seoul", "서울"]', 'not', 'keyword.operator.wordlike.seg'],
  ['geo.seg', 'city not in ["Seoul", "서울"]', 'in', 'keyword.operator.wordlike.seg'],
  ['lifecycle.seg', 'not billing_address { telephone is not empty }', 'not', 'keyword.operator.wordlike.seg', 1],
  ['lifecycle.seg', 'customer.dob on or before 2008-12-31', 'on', 'keyword.operator.wordlike.seg'],
  ['lifecycle.seg', 'customer.dob on or before 2008-12-31', 'or', 'keyword.operator.wordlike.seg'],
  ['lifecycle.seg', 'customer.dob on or before 2008-12-31', 'before', 'keyword.operator.wordlike.seg'],
  ['merchandising.seg', 'product.news_from_date on or after', 'after', 'keyword.operator.wordlike.seg'],
  ['lifecycle.seg', 'customer.dob anniversary within next 7 days', 'anniversary', 'keyword.operator.wordlike.seg'],
  ['lifecycle.seg', 'customer.dob anniversary within next 7 days', 'within', 'keyword.operator.wordlike.seg'],
  ['lifecycle.seg', 'customer.dob anniversary within next 7 days', 'next', 'keyword.operator.wordlike.seg'],
  ['lifecycle.seg', 'customer.created_at more than 5 weeks ago', 'more', 'keyword.operator.wordlike.seg'],
  ['lifecycle.seg', 'customer.created_at more than 5 weeks ago', 'than', 'keyword.operator.wordlike.seg'],
  ['lifecycle.seg', 'customer.created_at more than 5 weeks ago', 'ago', 'keyword.operator.wordlike.seg'],
  ['cart.seg', 'any cart_items within last 3 days {', 'within', 'keyword.operator.wordlike.seg'],
  ['cart.seg', 'any cart_items within last 3 days {', 'last', 'keyword.operator.wordlike.seg'],
  // aggregates and filters
  ['loyalty.seg', 'sum(orders.grand_total within last 365 days where {', 'sum', 'support.function.aggregate.seg'],
  ['loyalty.seg', 'sum(orders.grand_total within last 365 days where {', '(', 'punctuation.section.parens.begin.seg'],
  ['loyalty.seg', 'sum(orders.grand_total within last 365 days where {', 'where', 'keyword.other.where.seg'],
  ['loyalty.seg', 'count(orders within last 365 days where', 'count', 'support.function.aggregate.seg'],
  ['loyalty.seg', 'count(orders within last 365 days where', ')', 'punctuation.section.parens.end.seg'],
  ['loyalty.seg', 'avg(orders.grand_total) > 80', 'avg', 'support.function.aggregate.seg'],
  ['cart.seg', 'min(cart_items.price) > 20', 'min', 'support.function.aggregate.seg'],
  ['loyalty.seg', 'max(orders.grand_total where', 'max', 'support.function.aggregate.seg'],
  // numbers, decimals, durations
  ['cart.seg', 'cart.subtotal between 50 and 74.99', '50', 'constant.numeric.integer.seg'],
  ['cart.seg', 'cart.subtotal between 50 and 74.99', '74.99', 'constant.numeric.decimal.seg'],
  ['seasonal.seg', 'customer.store_credit not in [0, 0.01]', '0.01', 'constant.numeric.decimal.seg'],
  ['seasonal.seg', 'customer.store_credit not in [0, 0.01]', '0', 'constant.numeric.integer.seg'],
  ['merchandising.seg', 'qty in [1, 2, 3]', '2', 'constant.numeric.integer.seg'],
  ['merchandising.seg', 'qty in [1, 2, 3]', '[', 'punctuation.section.brackets.begin.seg'],
  ['merchandising.seg', 'qty in [1, 2, 3]', ',', 'punctuation.separator.comma.seg'],
  ['merchandising.seg', 'qty in [1, 2, 3]', ']', 'punctuation.section.brackets.end.seg'],
  ['loyalty.seg', 'customer.reward_points >= 1000', '1000', 'constant.numeric.integer.seg'],
  ['cart.seg', 'any cart_items within last 3 days {', '3', 'constant.numeric.integer.seg'],
  ['cart.seg', 'any cart_items within last 3 days {', 'days', 'keyword.other.unit.seg'],
  ['lifecycle.seg', 'customer.created_at within last 2 weeks', 'weeks', 'keyword.other.unit.seg'],
  ['merchandising.seg', 'within last 48 hours', 'hours', 'keyword.other.unit.seg'],
  ['merchandising.seg', 'within last 48 hours', '48', 'constant.numeric.integer.seg'],
  // dates and datetimes
  ['lifecycle.seg', 'customer.dob on or before 2008-12-31', '2008-12-31', 'constant.numeric.date.seg'],
  ['lifecycle.seg', 'customer.created_at before 2020-01-01', '2020-01-01', 'constant.numeric.date.seg'],
  ['merchandising.seg', 'between 2026-05-30 and 2026-08-30 {', '2026-08-30', 'constant.numeric.date.seg'],
  ['seasonal.seg', 'customer.dob is 2000-01-01', '2000-01-01', 'constant.numeric.date.seg'],
  ['lifecycle.seg', 'between 2025-11-20T00:00:00+09:00 and', '2025-11-20T00:00:00+09:00', 'constant.numeric.datetime.seg'],
  ['lifecycle.seg', 'between 2025-11-20T00:00:00+09:00 and', '2025-12-31T23:59:59+09:00', 'constant.numeric.datetime.seg'],
  ['merchandising.seg', 'no ordered_products after 2026-08-30T23:59:59Z', '2026-08-30T23:59:59Z', 'constant.numeric.datetime.seg'],
  ['seasonal.seg', 'customer.created_at on or after 2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', 'constant.numeric.datetime.seg'],
  // booleans
  ['cart.seg', 'logged_in is false', 'false', 'constant.language.boolean.seg'],
  ['geo.seg', 'default_shipping is true', 'true', 'constant.language.boolean.seg'],
  ['merchandising.seg', 'product.new is true', 'true', 'constant.language.boolean.seg'],
];

describe('concrete tokens of the examples', () => {
  for (const [file, line, token, scope, nth = 0] of expectations) {
    test(`${file}: ${JSON.stringify(token)} in ${JSON.stringify(line.trim())} is ${scope}`, () => {
      const found = findToken(file, line, token, nth);
      assert.equal(found.text, token, `${found.where}: the token is ${JSON.stringify(found.text)}`);
      assert.equal(innermost(found.scopes), scope, `${found.where}: scopes ${found.scopes.join(' ')}`);
    });
  }
});

describe('nesting', () => {
  test('segment bodies, blocks and references are marked with meta scopes', () => {
    const inBlock = findToken('loyalty.seg', 'customer.group in ["VIP", "Wholesale"]', 'group');
    assert.deepEqual(inBlock.scopes, [
      'source.seg',
      'meta.segment.seg',
      'meta.segment.body.seg',
      'meta.block.seg',
      'meta.block.seg',
      'variable.other.property.seg',
    ]);
    const reference = findToken('loyalty.seg', 'in segment vip_spenders', 'vip_spenders');
    assert.ok(reference.scopes.includes('meta.segment-reference.seg'), reference.scopes.join(' '));
  });

  test('every segment of every example closes: each doc comment is back at the top level', () => {
    for (const [file, { tokens }] of examples) {
      for (const token of tokens.filter((t) => t.text === '///')) {
        assert.deepEqual(
          token.scopes,
          ['source.seg', 'comment.line.documentation.seg', 'punctuation.definition.comment.seg'],
          `${file}:${token.line + 1}`,
        );
      }
    }
  });
});

// ---- A port of the editor lexer (crates/seg-syntax/src/lexer.rs) --------------------------------

const KEYWORD_WORDS = new Set(
  'segment name description applies_to websites active all any none not no in is empty contains contain does of starts ends with between and before after on or within last more than ago anniversary next where count sum avg min max'.split(' '),
);
const UNITS = new Set(['day', 'days', 'hour', 'hours', 'week', 'weeks']);
const AUDIENCES = new Set(['visitors', 'registered', 'everyone']);
const AGGREGATES = new Set(['count', 'sum', 'avg', 'min', 'max']);

const LEXER_RULES = [
  ['DocComment', /\/\/\/[^\n]*/y],
  ['LineComment', /\/\/[^\n]*/y],
  ['Ident', /[A-Za-z_][A-Za-z0-9_]*/y],
  ['String', /"(?:[^"\\]|\\(?:.|\n))*"/y],
  ['Number', /-?[0-9]+(?:\.[0-9]+)?/y],
  ['Date', /[0-9]{4}-[0-9]{2}-[0-9]{2}/y],
  ['DateTime', /[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?(?:[Zz]|[+-][0-9]{2}:[0-9]{2})?/y],
  ['Punctuation', /[{}()[\],.]/y],
  ['Comparison', /==|!=|>=|<=|>|</y],
];

/** Longest match wins, as in logos; a keyword beats an identifier of the same text. */
function lex(text) {
  const tokens = [];
  let offset = 0;
  while (offset < text.length) {
    const ws = /[ \t\r\n\uFEFF]+/y;
    ws.lastIndex = offset;
    const space = ws.exec(text);
    if (space) {
      offset += space[0].length;
      continue;
    }
    let best = null;
    for (const [kind, regex] of LEXER_RULES) {
      regex.lastIndex = offset;
      const match = regex.exec(text);
      if (match && (!best || match[0].length > best.text.length)) best = { kind, text: match[0], offset };
    }
    if (!best) best = { kind: 'Error', text: text[offset], offset };
    if (best.kind === 'Ident') {
      if (KEYWORD_WORDS.has(best.text)) best.kind = 'Keyword';
      else if (best.text === 'true' || best.text === 'false') best.kind = 'Boolean';
      else if (UNITS.has(best.text)) best.kind = 'Unit';
      else if (AUDIENCES.has(best.text)) best.kind = 'Audience';
    }
    tokens.push(best);
    offset += best.text.length;
  }
  return tokens;
}

/** The scopes each lexer token kind may get (innermost scope, by prefix). */
function allowedScopes(token) {
  switch (token.kind) {
    case 'DocComment':
      return ['comment.line.documentation.seg', 'punctuation.definition.comment.seg'];
    case 'LineComment':
      return ['comment.line.double-slash.seg', 'punctuation.definition.comment.seg'];
    case 'String':
      return ['string.quoted.double.seg', 'punctuation.definition.string.', 'constant.character.escape.seg'];
    case 'Number':
      return token.text.includes('.') ? ['constant.numeric.decimal.seg'] : ['constant.numeric.integer.seg'];
    case 'Date':
      return ['constant.numeric.date.seg'];
    case 'DateTime':
      return ['constant.numeric.datetime.seg'];
    case 'Punctuation':
      return ['punctuation.'];
    case 'Comparison':
      return ['keyword.operator.comparison.seg'];
    case 'Keyword':
      return AGGREGATES.has(token.text) ? ['support.function.aggregate.seg'] : ['keyword.'];
    case 'Boolean':
      return ['constant.language.boolean.seg'];
    case 'Unit':
      return ['keyword.other.unit.seg'];
    case 'Audience':
      return ['constant.language.audience.seg'];
    case 'Ident':
      return ['variable.other.', 'entity.name.type.segment.', 'support.type.collection.seg'];
    default:
      return [];
  }
}

describe('every token of every example', () => {
  for (const file of exampleFiles) {
    test(`${file}: no character outside whitespace keeps only the root scope, none is invalid`, () => {
      const { tokens } = examples.get(file);
      for (const token of tokens) {
        const where = `${file}:${token.line + 1}:${token.column + 1} ${JSON.stringify(token.text)}`;
        if (token.scopes.length === 1) {
          assert.match(token.text, /^\s+$/, `${where} has only ${token.scopes[0]}`);
        }
        assert.ok(!token.scopes.some((s) => s.startsWith('invalid.')), `${where}: ${token.scopes.join(' ')}`);
      }
    });

    test(`${file}: every lexer token gets the scope of its kind, over its whole text`, () => {
      const { text, tokens } = examples.get(file);
      const lexed = lex(text);
      assert.ok(lexed.length > 50, 'the lexer port found too few tokens');
      for (const lexToken of lexed) {
        assert.notEqual(lexToken.kind, 'Error', `${file}: the lexer port failed at ${lexToken.offset}`);
        const allowed = allowedScopes(lexToken);
        // Every TextMate token inside the lexer token must have an allowed innermost scope.
        const inside = tokens.filter(
          (t) => t.offset < lexToken.offset + lexToken.text.length && t.offset + t.text.length > lexToken.offset,
        );
        assert.ok(inside.length > 0, `${file}: nothing tokenized at ${lexToken.offset}`);
        for (const t of inside) {
          const scope = innermost(t.scopes);
          const where = `${file}:${t.line + 1}:${t.column + 1} ${lexToken.kind} ${JSON.stringify(lexToken.text)}`;
          if (/^\s+$/.test(t.text) && !['String', 'DocComment', 'LineComment'].includes(lexToken.kind)) continue;
          assert.ok(
            allowed.some((prefix) => scope.startsWith(prefix)),
            `${where}: got ${scope}, expected ${allowed.join(' | ')}`,
          );
          // A TextMate token never straddles two lexer tokens (e.g. `a.b` as one word).
          assert.ok(
            t.offset >= lexToken.offset && t.offset + t.text.length <= lexToken.offset + lexToken.text.length,
            `${where}: the TextMate token ${JSON.stringify(t.text)} crosses the lexer token's bounds`,
          );
        }
      }
    });
  }

  test('the examples exercise every kind of token', () => {
    const kinds = new Set(exampleFiles.flatMap((file) => lex(examples.get(file).text).map((t) => t.kind)));
    for (const kind of ['DocComment', 'LineComment', 'Ident', 'Keyword', 'String', 'Number', 'Date', 'DateTime', 'Punctuation', 'Comparison', 'Boolean', 'Unit', 'Audience']) {
      assert.ok(kinds.has(kind), `no ${kind} token in the examples`);
    }
  });
});
