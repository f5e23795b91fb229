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
    id: undefined,
    status: undefined,
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
    error:
      'suggestions[0].kind "tracepoint" is not one of breakpoint, logpoint, conditional, hit_count, snapshot',
  });
});

test("the live session's probes list: ids, statuses and snapshot probes", () => {
  const parsed = parseCustomEvent('smartDebug/suggestions', {
    version: 1,
    session: 3,
    probes: [
      {
        id: 'p1',
        file: 'cart.py',
        line: 28,
        kind: 'logpoint',
        log_message: 'count={count}',
        source: 'hypothesis',
        status: 'injected',
        hits: 2,
        budget: 100,
        reason: 'decision',
        score: 0.4,
      },
      {
        id: 'p2',
        file: 'cart.py',
        line: 29,
        kind: 'snapshot',
        condition: 'count == 10',
        source: 'hypothesis',
        status: 'offered',
      },
    ],
  });
  assert.ok(parsed?.ok && parsed.value.type === 'suggestions');
  assert.deepEqual(
    parsed.value.suggestions.map((s) => [s.id, s.kind, s.status, s.condition, s.score]),
    [
      ['p1', 'logpoint', 'injected', undefined, 0.4],
      ['p2', 'snapshot', 'offered', 'count == 10', 0],
    ],
  );
});

test('evidence: one line per kind, from the fields each kind carries', () => {
  const summary = (body: object) => {
    const parsed = parseCustomEvent('smartDebug/evidence', {
      version: 1,
      at: '2026-12-01T00:00:00Z',
      ...body,
    });
    assert.ok(parsed?.ok && parsed.value.type === 'evidence', JSON.stringify(parsed));
    return parsed.value.evidence.summary;
  };
  assert.equal(
    summary({
      kind: 'stop',
      reason: 'breakpoint',
      frames: [{ name: 'main', file: 'checkout.py', line: 14 }],
    }),
    'stopped (breakpoint) at checkout.py:14 in main',
  );
  assert.equal(
    summary({
      kind: 'probe',
      probe: 'p1',
      file: 'cart.py',
      line: 28,
      hit: 3,
      values: { count: '10', BULK_THRESHOLD: '10' },
    }),
    'p1 cart.py:28 hit 3: count=10, BULK_THRESHOLD=10',
  );
  assert.equal(
    summary({ kind: 'probe', probe: 'p2', file: 'a.py', line: 1, hit: 1, error: 'NameError' }),
    'p2 a.py:1 hit 1: error: NameError',
  );
  assert.equal(
    summary({ kind: 'failure', signature: 'ZeroDivisionError: division by zero\n  at x' }),
    'the program failed: ZeroDivisionError: division by zero',
  );
  assert.equal(
    summary({ kind: 'pathMappings', path_mappings: [{ localRoot: '/w', remoteRoot: '/app' }] }),
    'inferred pathMappings: /w <- /app',
  );
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

test('every event of a real live session parses, and the last word on H1 is what the view shows', () => {
  const events: { event: string; body: unknown }[] = JSON.parse(
    readFileSync(path.join(FIXTURES, 'live-session-events.json'), 'utf8'),
  );
  const parsed = events.map(({ event, body }) => parseCustomEvent(event, body));
  assert.deepEqual(
    parsed.filter((p) => !p?.ok),
    [],
  );
  const values = parsed.map((p) => (p?.ok ? p.value : undefined));
  const last = values.filter((v) => v?.type === 'hypotheses').at(-1);
  assert.ok(last?.type === 'hypotheses');
  assert.equal(last.hypotheses[0].id, 'H1');
  assert.equal(last.hypotheses[0].status, 'confirmed');
  assert.deepEqual(last.hypotheses[0].locations[0], { file: 'cart.py', line: 28, function: 'discount' });
  const probes = values.find((v) => v?.type === 'suggestions');
  assert.ok(probes?.type === 'suggestions');
  assert.deepEqual(
    [probes.suggestions[0].id, probes.suggestions[0].status, probes.suggestions[0].line],
    ['p1', 'injected', 28],
  );
  const summaries = values.flatMap((v) => (v?.type === 'evidence' ? [v.evidence.summary] : []));
  assert.ok(summaries.includes('p2 cart.py:27 hit 1: reached'), summaries.join('\n'));
  assert.ok(
    summaries.some((s) => s.startsWith('p1 cart.py:28 hit 1: ') && s.includes('count=6')),
    summaries.join('\n'),
  );
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
