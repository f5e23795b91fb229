import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HypothesisBoard, MAX_EVIDENCE } from '../../src/hypotheses/board';
import type { Hypothesis } from '../../src/hypotheses/events';
import { statusText, statusTooltip, suggestionProbe, shorten } from '../../src/hypotheses/present';

const h1: Hypothesis = {
  id: 'H1',
  statement:
    'off-by-one in the bulk discount bound: `count > BULK_THRESHOLD` should be `>=` for the threshold itself',
  probability: 62,
  status: 'supported',
  category: 'logic_error',
  locations: [{ file: 'cart.py', line: 28 }],
};

test('the origin updated last is in front; focus brings another back', () => {
  const board = new HypothesisBoard();
  let changes = 0;
  board.onDidChange(() => changes++);
  board.open('session-1', 'Smart Debug: Current File', '/w');
  board.apply('session-1', { type: 'ready', mode: 'launch', threads: 1 });
  assert.equal(board.current()?.mode, 'launch');
  board.apply('localize', { type: 'hypotheses', hypotheses: [h1], other: 5 }, 'localize', '/w');
  assert.equal(board.current()?.origin, 'localize');
  assert.equal(board.hypothesis('H1')?.probability, 62);
  board.focus('session-1');
  assert.equal(board.current()?.origin, 'session-1');
  assert.equal(board.hypothesis('H1'), undefined);
  assert.equal(changes, 4);
  board.clear();
  assert.equal(board.current(), undefined);
});

test("a session's events that arrive before the editor reports it started are kept", () => {
  const board = new HypothesisBoard();
  board.apply('s1', {
    type: 'suggestions',
    suggestions: [{ file: 'a.py', line: 1, kind: 'logpoint', reason: '', score: 1 }],
  });
  board.apply('localize', { type: 'hypotheses', hypotheses: [h1], other: 0 });
  board.begin('s1', 'session', '/w');
  assert.equal(board.current()?.origin, 's1');
  assert.equal(board.current()?.suggestions.length, 1);
});

test('evidence is kept newest first, up to a bound', () => {
  const board = new HypothesisBoard();
  for (let i = 0; i < MAX_EVIDENCE + 5; i++) {
    board.apply('s', { type: 'evidence', evidence: { kind: 'probe', summary: `hit ${i}` } });
  }
  const evidence = board.current()?.evidence ?? [];
  assert.equal(evidence.length, MAX_EVIDENCE);
  assert.equal(evidence[0].summary, `hit ${MAX_EVIDENCE + 4}`);
});

test('suggestions are shown best first', () => {
  const board = new HypothesisBoard();
  const s = (line: number, score: number) => ({
    file: 'a.py',
    line,
    kind: 'breakpoint' as const,
    reason: '',
    score,
  });
  board.apply('s', { type: 'suggestions', suggestions: [s(1, 0.2), s(2, 0.9), s(3, 0.5)] });
  assert.deepEqual(
    board.current()?.suggestions.map((x) => x.line),
    [2, 3, 1],
  );
});

test('the status bar shows the session, then its top hypothesis in a few words', () => {
  const board = new HypothesisBoard();
  board.open('s', 'session', undefined);
  assert.equal(statusText(board.current()), '$(debug-alt) Smart Debug');
  board.apply('s', { type: 'ready', mode: 'attach-connect', threads: 2 });
  assert.equal(statusText(board.current()), '$(debug-alt) Smart Debug: attach-connect');
  board.apply('s', { type: 'hypotheses', hypotheses: [h1], other: 0 });
  const text = statusText(board.current());
  assert.match(text, /^\$\(lightbulb\) H1 62% off-by-one in the bulk discount bound/);
  assert.ok(text.endsWith('…'));
  assert.match(statusTooltip(board.current()), /H1 62% off-by-one.*\(supported · logic_error\)/);
});

test('what a suggested probe does reads in words', () => {
  const base = { file: 'a.py', line: 3, reason: '', score: 1 };
  assert.equal(suggestionProbe({ ...base, kind: 'logpoint', logMessage: 'n={n}' }), 'logpoint n={n}');
  assert.equal(
    suggestionProbe({ ...base, kind: 'conditional', condition: 'n == 7' }),
    'breakpoint if n == 7',
  );
  assert.equal(suggestionProbe({ ...base, kind: 'hit_count', hitCondition: '>3' }), 'breakpoint on hit >3');
  assert.equal(shorten('a  b\n c', 10), 'a b c');
});
