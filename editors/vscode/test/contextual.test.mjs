// Seg keywords are contextual (an attribute may be called `name`, `count` or `items`), strings
// have escapes, and a half-typed file must not colour the rest of the file wrongly. These cases
// are not in the examples, so they are written out here.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { loadGrammar, tokenize } from '../scripts/tokenize.mjs';

const grammar = await loadGrammar();

/** The token that covers the start of the `nth` occurrence of `needle` in `text`. */
function tokenAt(text, needle, nth = 0) {
  let offset = -1;
  for (let n = 0; n <= nth; n++) {
    offset = text.indexOf(needle, offset + 1);
    assert.notEqual(offset, -1, `${JSON.stringify(needle)} #${nth} not in ${JSON.stringify(text)}`);
  }
  const token = tokenize(grammar, text).find((t) => t.offset <= offset && offset < t.offset + t.text.length);
  assert.ok(token, `no token covers ${JSON.stringify(needle)} in ${JSON.stringify(text)}`);
  return token;
}

const cases = [
  // [title, text, token, innermost scope, nth occurrence]
  ['`name` is a field inside a block', 'segment s { any addresses { name is "x" } }', 'name', 'variable.other.property.seg'],
  ['`name` is a field after a dot', 'segment s { all { customer.name is "x" } }', 'name', 'variable.other.property.seg'],
  ['`name` before a value is the property', 'segment s {\n  name "x"\n}', 'name', 'keyword.other.property.seg'],
  ['a property with its value on the next line', 'segment s {\n  description\n    "x"\n}', 'description', 'keyword.other.property.seg'],
  ['`count` is a field when no `(` follows', 'segment s { any orders { count > 1 } }', 'count', 'variable.other.property.seg'],
  ['`count (` with a space is the aggregate', 'segment s { count (orders) >= 1 }', 'count', 'support.function.aggregate.seg'],
  ['`items` after `customer.` is an attribute', 'segment s { customer.items is empty }', 'items', 'variable.other.property.seg'],
  ['a keyword after a dot is an attribute', 'segment s { customer.on is true }', 'on', 'variable.other.property.seg'],
  ['`all` compared with an operator is a field', 'segment s { any orders { all is true } }', 'all', 'variable.other.property.seg'],
  ['`not in segment`: negation', 'segment s { not in segment t }', 'not', 'keyword.control.logical.seg'],
  ['`not in segment`: the reference', 'segment s { not in segment t }', 't', 'entity.name.type.segment.reference.seg', 3],
  ['`not in [..]`: the operator', 'segment s { customer.g not in ["a"] }', 'not', 'keyword.operator.wordlike.seg'],
  ['`not` before a collection block: negation', 'segment s { not billing_address { city is "x" } }', 'not', 'keyword.control.logical.seg'],
  ['`is not` spelt `!=`', 'segment s { customer.g != "a" }', '!=', 'keyword.operator.comparison.seg'],
  ['`is` spelt `==`', 'segment s { customer.g == "a" }', '==', 'keyword.operator.comparison.seg'],
  ['escape \\"', 'segment s { name "a\\"b" }', '\\"', 'constant.character.escape.seg'],
  ['escape \\\\', 'segment s { name "a\\\\b" }', '\\\\', 'constant.character.escape.seg'],
  ['escape \\n', 'segment s { name "a\\nb" }', '\\n', 'constant.character.escape.seg'],
  ['escape \\t', 'segment s { name "a\\tb" }', '\\t', 'constant.character.escape.seg'],
  ['escape \\u{…}', 'segment s { name "a\\u{1F600}b" }', '\\u{1F600}', 'constant.character.escape.seg'],
  ['an unknown escape is invalid', 'segment s { name "a\\qb" }', '\\q', 'invalid.illegal.unknown-escape.seg'],
  ['`//` inside a string is text', 'segment s { name "a // b" }', '// b', 'string.quoted.double.seg'],
  ['a string may span lines', 'segment s { name "a\nb" applies_to everyone }', 'b', 'string.quoted.double.seg'],
  ['after a multi-line string the property is back', 'segment s { name "a\nb" applies_to everyone }', 'applies_to', 'keyword.other.property.seg'],
  ['an unknown audience is invalid', 'segment s { applies_to guests }', 'guests', 'invalid.illegal.audience.seg'],
  ['negative integers', 'segment s { customer.x > -3 }', '-3', 'constant.numeric.integer.seg'],
  ['negative decimals', 'segment s { customer.x > -0.5 }', '-0.5', 'constant.numeric.decimal.seg'],
  ['datetime with fractions and lower-case t/z', 'segment s { customer.x is 2026-01-31t09:30:00.125z }', '2026-01-31t09:30:00.125z', 'constant.numeric.datetime.seg'],
  ['datetime without seconds or offset', 'segment s { customer.x is 2026-01-31T09:30 }', '2026-01-31T09:30', 'constant.numeric.datetime.seg'],
  ['a number glued to a word is not a number', 'segment s { customer.x within last 12days }', '1', 'invalid.illegal.character.seg'],
  ['an unknown character is invalid', 'segment s { customer.x is @ }', '@', 'invalid.illegal.character.seg'],
  ['text outside a segment is invalid', 'hello\nsegment s { }', 'hello', 'invalid.illegal.unexpected.seg'],
  ['the id may follow on the next line', 'segment\n  late_id {\n}', 'late_id', 'entity.name.type.segment.seg'],
  ['four slashes are a doc comment, as in the lexer', '//// more', ' more', 'comment.line.documentation.seg'],
  ['a comment after code', 'segment s { all { } } // done', ' done', 'comment.line.double-slash.seg'],
  ['a trailing comma in a list', 'segment s { websites ["a", "b",] }', ',', 'punctuation.separator.comma.seg', 1],
  ['orders.items as an aggregate path', 'segment s { sum(orders.items.qty) > 1 }', 'items', 'variable.other.object.seg'],
  ['`contains all of`', 'segment s { customer.m contains all of ["a"] }', 'of', 'keyword.operator.wordlike.seg'],
  ['`anniversary within next`', 'segment s { customer.dob anniversary within next 7 days }', 'next', 'keyword.operator.wordlike.seg'],
];

describe('contextual keywords, escapes and recovery', () => {
  for (const [title, text, needle, scope, nth = 0] of cases) {
    test(`${title}: ${JSON.stringify(needle)} is ${scope}`, () => {
      const token = tokenAt(text, needle, nth);
      assert.equal(token.scopes[token.scopes.length - 1], scope, token.scopes.join(' '));
      // Words, operators and literals are whole tokens; text inside strings and comments is not.
      if (!/^(invalid\.illegal\.character|string\.|comment\.)/.test(scope)) {
        assert.equal(token.text, needle);
      }
    });
  }

  test('an unclosed segment ends at the next line that starts with `segment`', () => {
    const text = 'segment a {\n  all {\n    customer.x is "y"\n\nsegment b {\n  name "B"\n}\n';
    const header = tokenAt(text, 'segment', 1);
    assert.deepEqual(header.scopes, ['source.seg', 'meta.segment.seg', 'keyword.other.segment.seg']);
    const name = tokenAt(text, 'name');
    assert.deepEqual(name.scopes, ['source.seg', 'meta.segment.seg', 'meta.segment.body.seg', 'keyword.other.property.seg']);
  });

  test('after a closed segment the top level is back', () => {
    const text = 'segment a { all { } }\n/// doc\nsegment b { }';
    assert.deepEqual(tokenAt(text, '///').scopes, [
      'source.seg',
      'comment.line.documentation.seg',
      'punctuation.definition.comment.seg',
    ]);
  });

  test('CRLF line ends tokenize like LF', () => {
    const lf = 'segment a {\n  name "A"\n  all { cart.tax > 1 }\n}\n';
    const crlf = lf.replace(/\n/g, '\r\n');
    const strip = (tokens) => tokens.map((t) => [t.text.replace(/\r$/, ''), t.scopes.join(' ')]).filter(([t]) => t !== '');
    assert.deepEqual(strip(tokenize(grammar, crlf)), strip(tokenize(grammar, lf)));
  });
});
