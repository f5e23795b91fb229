import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  addAcceptedBreakpoint,
  addBreakpoint,
  parseBreakpointSpec,
  placeOf,
  specFromSuggestion,
} from '../../src/debug/breakpoints';
import { FakeEditor, FakeLog } from './fakes';

test('an accepted spec becomes a breakpoint with its condition, hit condition and log message, 0-based', () => {
  const editor = new FakeEditor();
  const spec = {
    uri: 'file:///w/cart.py',
    line: 28,
    column: 9,
    condition: 'count == 10',
    hitCondition: '>2',
    logMessage: 'count={count}',
  };
  addAcceptedBreakpoint(editor, new FakeLog(), spec);
  assert.deepEqual(
    editor.added.map((b) => b.place),
    [
      {
        uri: 'file:///w/cart.py',
        line: 27,
        character: 8,
        condition: 'count == 10',
        hitCondition: '>2',
        logMessage: 'count={count}',
      },
    ],
  );
});

test('a spec without a usable line or uri is reported, and no breakpoint is made', () => {
  const editor = new FakeEditor();
  const log = new FakeLog();
  assert.equal(addAcceptedBreakpoint(editor, log, { uri: 'file:///w/a.py', line: 0 }), undefined);
  assert.equal(addAcceptedBreakpoint(editor, log, null), undefined);
  assert.deepEqual(editor.errors, [
    'Smart Debug: the accepted suggestion could not become a breakpoint: the breakpoint spec has no 1-based line',
    'Smart Debug: the accepted suggestion could not become a breakpoint: the breakpoint spec is not an object',
  ]);
  assert.equal(editor.added.length, 0);
  assert.deepEqual(parseBreakpointSpec({ line: 3 }), { ok: false, error: 'the breakpoint spec has no uri' });
});

test('empty strings are no condition; a missing column is the line start', () => {
  const spec = parseBreakpointSpec({
    uri: '/w/a.py',
    line: 4,
    condition: '',
    hitCondition: ' ',
    logMessage: null,
  });
  assert.ok(spec.ok);
  assert.deepEqual(placeOf(spec.value), {
    uri: '/w/a.py',
    line: 3,
    character: 0,
    condition: undefined,
    hitCondition: undefined,
    logMessage: undefined,
  });
});

test('a suggestion keeps only what its kind means, with its file from the root', () => {
  const base = {
    file: 'cart.py',
    line: 28,
    reason: '',
    score: 1,
    condition: 'c',
    logMessage: 'm={m}',
    hitCondition: '3',
  };
  assert.deepEqual(specFromSuggestion({ ...base, kind: 'logpoint' }, '/w'), {
    uri: '/w/cart.py',
    line: 28,
    condition: undefined,
    hitCondition: undefined,
    logMessage: 'm={m}',
  });
  assert.equal(specFromSuggestion({ ...base, kind: 'conditional' }, '/w').condition, 'c');
  assert.equal(specFromSuggestion({ ...base, kind: 'hit_count' }, '/w').hitCondition, '3');
  assert.equal(specFromSuggestion({ ...base, file: '/abs/x.py', kind: 'breakpoint' }, '/w').uri, '/abs/x.py');
});

test("an accepted breakpoint replaces the user's breakpoint on the same line only", () => {
  const editor = new FakeEditor();
  const sameLine = editor.newSourceBreakpoint({ uri: '/w/cart.py', line: 27, character: 0 });
  const otherLine = editor.newSourceBreakpoint({ uri: '/w/cart.py', line: 10, character: 0 });
  editor.existing.push(sameLine as never, otherLine as never);
  addBreakpoint(editor, { uri: '/w/cart.py', line: 28, logMessage: 'x={x}' });
  assert.deepEqual(editor.removed, [sameLine]);
  assert.equal(editor.added[0].place.logMessage, 'x={x}');
});
