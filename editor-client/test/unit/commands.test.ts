import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { HypothesisBoard } from '../../src/hypotheses/board';
import { localize, testHypothesis } from '../../src/hypotheses/commands';
import { FakeEditor, FakeLog, fakeSession } from './fakes';

const REPO = path.resolve(__dirname, '..', '..', '..', '..');
const VENV_PYTHON = path.join(REPO, '.venv', 'bin', 'python');

function boardWith(...ids: string[]): HypothesisBoard {
  const board = new HypothesisBoard();
  const hypotheses = ids.map((id) => ({
    id,
    statement: id,
    probability: 10,
    status: 'open',
    category: '',
    locations: [],
  }));
  board.apply('s1', { type: 'hypotheses', hypotheses, other: 0 });
  return board;
}

test('test a hypothesis now: the custom request goes to the running smart-debug session', async () => {
  const editor = new FakeEditor();
  const answer = {
    version: 1,
    id: 'H1',
    status: 'supported',
    probes: [{ id: 'p3' }, { id: 'p4' }],
    note: '',
  };
  const { session, requests } = fakeSession('smart-debug', async () => answer);
  editor.session = session;
  assert.equal(await testHypothesis(editor, boardWith('H1'), new FakeLog(), 'H1'), true);
  assert.deepEqual(requests, [{ command: 'smartDebug/testHypothesis', args: { id: 'H1' } }]);
  assert.deepEqual(editor.infos, [
    'Smart Debug: testing H1 (supported) now; 2 probes in place; its verdict arrives as evidence.',
  ]);
});

test('without an id the user picks one of the hypotheses', async () => {
  const editor = new FakeEditor();
  const { session, requests } = fakeSession('smart-debug', async () => ({}));
  editor.session = session;
  editor.pickAnswer = (items) => items[1];
  await testHypothesis(editor, boardWith('H1', 'H2'), new FakeLog());
  assert.deepEqual(
    requests.map((r) => r.args),
    [{ id: 'H2' }],
  );
});

test("a session that refuses the request (today's proxy forwards it to debugpy) gets a readable error", async () => {
  const editor = new FakeEditor();
  editor.session = fakeSession('smart-debug', async () => {
    throw new Error('Unrecognized command "smartDebug/testHypothesis"');
  }).session;
  assert.equal(await testHypothesis(editor, boardWith('H1'), new FakeLog(), 'H1'), false);
  assert.deepEqual(editor.errors, [
    'Smart Debug: could not test H1: Unrecognized command "smartDebug/testHypothesis"',
  ]);
});

test('no smart-debug session: nothing is sent, the user is told why', async () => {
  const editor = new FakeEditor();
  const { session, requests } = fakeSession('debugpy', async () => ({}));
  editor.session = session;
  assert.equal(await testHypothesis(editor, boardWith('H1'), new FakeLog(), 'H1'), false);
  assert.equal(requests.length, 0);
  assert.match(editor.infos[0], /start a Smart Debug Session/);
});

test(
  'localize runs the real CLI on the example and fills the board',
  { skip: !existsSync(VENV_PYTHON) && 'run make setup first', timeout: 120_000 },
  async () => {
    const folder = mkdtempSync(path.join(os.tmpdir(), 'sd-localize-'));
    cpSync(path.join(REPO, 'examples', 'shopping_cart'), folder, { recursive: true });
    const board = new HypothesisBoard();
    const editor = new FakeEditor();
    const ok = await localize(
      editor,
      board,
      new FakeLog(),
      { path: VENV_PYTHON, source: 'setting' },
      folder,
      `${VENV_PYTHON} -m pytest -q tests`,
    );
    assert.deepEqual(editor.errors, []);
    assert.ok(ok);
    const snapshot = board.current();
    assert.equal(snapshot?.origin, 'localize');
    assert.equal(snapshot?.root, folder);
    assert.deepEqual([snapshot?.suggestions[0].file, snapshot?.suggestions[0].line], ['cart.py', 28]);
    assert.ok(snapshot?.hypotheses[0].statement.includes('cart.py:28'));
  },
);

test(
  'localize on a command that never fails says there is nothing to localize',
  { skip: !existsSync(VENV_PYTHON) && 'run make setup first', timeout: 60_000 },
  async () => {
    const folder = mkdtempSync(path.join(os.tmpdir(), 'sd-localize-'));
    const editor = new FakeEditor();
    const ok = await localize(
      editor,
      new HypothesisBoard(),
      new FakeLog(),
      { path: VENV_PYTHON, source: 'setting' },
      folder,
      'true',
    );
    assert.equal(ok, false);
    assert.deepEqual(editor.infos, ['Smart Debug: `true` never failed, so there is nothing to localize.']);
  },
);
