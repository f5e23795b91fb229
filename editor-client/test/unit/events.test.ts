import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { parseCustomEvent, parseLocalizeReport } from '../../src/hypotheses/events';

const FIXTURES = path.join(__dirname, '..', '..', '..', 'test', 'fixtures');

const H = (id: string, probability: number) => ({
  id,
  statement: `statement ${id}`,
  probability,
  status: 'supported',
  category: 'logic_error',
  locations: [{ file: 'cart.py', line: 28, function: 'discount' }],
});

test('hypotheses: parsed, best first, with the other share', () => {
  const parsed = parseCustomEvent('smartDebug/hypotheses', {
    version: 1,
    hypotheses: [H('H2', 20), H('H1', 62.5)],
    other: 17.5,
  });
  assert.deepEqual(parsed, {
    ok: true,
    value: {
      type: 'hypotheses',
      hypotheses: [
        { ...H('H1', 62.5), locations: [{ file: 'cart.py', line: 28, function: 'discount' }] },
        { ...H('H2', 20), locations: [{ file: 'cart.py', line: 28, function: 'discount' }] },
      ],
      other: 17.5,
    },
  });
});

test('hypotheses: a bad entry is named, not half-read', () => {
  const parsed = parseCustomEvent('smartDebug/hypotheses', {
    version: 1,
    hypotheses: [H('H1', 50), { id: 'H2', statement: 's' }],
  });
  assert.deepEqual(parsed, { ok: false, error: 'hypotheses[1].probability is not a number' });
  const bad = parseCustomEvent('smartDebug/hypotheses', {
    version: 1,
    hypotheses: [{ ...H('H1', 50), probability: 150 }],
  });
  assert.deepEqual(bad, { ok: false, error: 'hypotheses[0].probability is not a percentage' });
  const line0 = parseCustomEvent('smartDebug/hypotheses', {
    version: 1,
    hypotheses: [{ ...H('H1', 50), locations: [{ file: 'a.py', line: 0 }] }],
  });
  assert.deepEqual(line0, { ok: false, error: 'hypotheses[0].locations[0].line is not a 1-based line' });
});

test('a body of another version is refused with both versions named', () => {
  assert.deepEqual(parseCustomEvent('smartDebug/hypotheses', { version: 2, hypotheses: [] }), {
    ok: false,
    error: 'smartDebug/hypotheses: version 2 is not 1',
  });
  assert.deepEqual(parseCustomEvent('smartDebug/suggestions', null), {
    ok: false,
    error: 'smartDebug/suggestions body is not an object',
  });
});

test('suggestions: snake_case fields become the editor names; an unknown kind is refused', () => {
  const parsed = parseCustomEvent('smartDebug/suggestions', {
    version: 1,
    suggestions: [
      {
        file: 'cart.py',
        line: 28,
        kind: 'logpoint',
        log_message: 'count={count}',
        reason: 'decision node',
        hypothesis: 'H1',
        score: 0.72,
      },
      { file: 'cart.py', line: 30, kind: 'hit_count', hit_condition: '>3', reason: 'loop', score: 0.4 },
    ],
  });
  assert.ok(parsed?.ok && parsed.value.type === 'suggestions');
  assert.deepEqual(parsed.value.suggestions[0], {
    file: 'cart.py',
    line: 28,
    kind: 'logpoint',
    condition: undefined,
    logMessage: 'count={count}',
    hitCondition: undefined,
    reason: 'decision node',
    hypothesis: 'H1',
    score: 0.72,
  });
  assert.equal(parsed.value.suggestions[1].hitCondition, '>3');
  const bad = parseCustomEvent('smartDebug/suggestions', {
    version: 1,
    suggestions: [{ file: 'a.py', line: 1, kind: 'tracepoint', score: 1 }],
  });
  assert.deepEqual(bad, {
    ok: false,
    error: 'suggestions[0].kind "tracepoint" is not one of breakpoint, logpoint, conditional, hit_count',
  });
});

test('evidence: a summary from what the body says, else from its kind and place', () => {
  const said = parseCustomEvent('smartDebug/evidence', {
    version: 1,
    kind: 'probe',
    observation: 'count=10 at cart.py:28',
  });
  assert.deepEqual(said, {
    ok: true,
    value: { type: 'evidence', evidence: { kind: 'probe', summary: 'count=10 at cart.py:28' } },
  });
  const bare = parseCustomEvent('smartDebug/evidence', {
    version: 1,
    kind: 'stop',
    file: 'checkout.py',
    line: 14,
  });
  assert.deepEqual(bare, {
    ok: true,
    value: { type: 'evidence', evidence: { kind: 'stop', summary: 'stop at checkout.py:14' } },
  });
  assert.equal(parseCustomEvent('smartDebug/evidence', { version: 1, kind: 'guess' })?.ok, false);
});

test('ready (no version field today) and events that are not ours', () => {
  assert.deepEqual(parseCustomEvent('smartDebug/ready', { mode: 'launch', threads: 1 }), {
    ok: true,
    value: { type: 'ready', mode: 'launch', threads: 1 },
  });
  assert.equal(parseCustomEvent('debugpySockets', { sockets: [] }), undefined);
  assert.equal(parseCustomEvent('smartDebug/unknown', { version: 1 })?.ok, false);
});

test('a real localize --json report on the shopping cart', () => {
  const report = parseLocalizeReport(
    readFileSync(path.join(FIXTURES, 'localize-shopping-cart.json'), 'utf8'),
  );
  assert.ok(report.ok, report.ok ? '' : report.error);
  const { hypotheses, suggestions, other } = report.value;
  assert.equal(hypotheses[0].id, 'H1');
  assert.equal(hypotheses[0].locations[0].line, 28);
  assert.equal(hypotheses[0].locations[0].function, undefined); // null in the report
  assert.ok(other > 0 && other < 10);
  assert.deepEqual(
    suggestions.map((s) => [s.file, s.line, s.kind]),
    [
      ['cart.py', 28, 'conditional'],
      ['cart.py', 7, 'breakpoint'],
      ['cart.py', 23, 'breakpoint'],
    ],
  );
  assert.deepEqual(parseLocalizeReport('Traceback (most recent call last):'), {
    ok: false,
    error: 'localize did not print JSON',
  });
});
