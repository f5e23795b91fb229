import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { run } from '../../src/common/process';
import { DEFAULTS, type SettingsSnapshot, type SmartDebugSettings } from '../../src/common/settings';
import { onServerCommand } from '../../src/lsp/commands';
import { inSettingNames, initializationOptions } from '../../src/lsp/options';
import { FakeEditor, FakeLog } from './fakes';

const REPO = path.resolve(__dirname, '..', '..', '..', '..');
const VENV_PYTHON = path.join(REPO, '.venv', 'bin', 'python');
const WITHOUT_VENV = existsSync(VENV_PYTHON) ? false : 'run make setup first';

function snapshot(values: Partial<SmartDebugSettings>): SettingsSnapshot {
  return {
    values: { ...DEFAULTS, ...values },
    explicit: new Set(Object.keys(values) as (keyof SmartDebugSettings)[]),
  };
}

/** What the real server's lsp/options.py makes of `options`: its settings and its messages. */
async function serverReads(
  options: unknown,
): Promise<{ options: Record<string, unknown>; problems: string[] }> {
  const script =
    'import json, sys\n' +
    'from lsp.options import read_options\n' +
    'options, problems = read_options(json.loads(sys.argv[1]))\n' +
    'print(json.dumps({"options": options.model_dump(), "problems": problems}))\n';
  const result = await run(VENV_PYTHON, ['-c', script, JSON.stringify(options)], {
    cwd: REPO,
    timeoutMs: 30_000,
  });
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout);
}

test('settings left at their defaults send nothing; the ones set go under their option names', () => {
  assert.deepEqual(initializationOptions(snapshot({}), '/w'), { options: {}, problems: [] });
  const built = initializationOptions(
    snapshot({
      suggestionLenses: false,
      maxLensesPerFile: 3,
      ai: 'anthropic',
      testCommand: `python -m pytest -k 'a and b'`,
      testPython: '${workspaceFolder}/.venv/bin/python',
      localizeBudget: 30,
      python: '/elsewhere/python', // the interpreter of the server, not one of its options
      autoLogpoints: 2, // a session's setting
    }),
    '/w',
  );
  assert.deepEqual(built, {
    options: {
      lenses: { suggestions: false },
      maxLensesPerFile: 3,
      ai: 'anthropic',
      localize: {
        testCommand: ['python', '-m', 'pytest', '-k', 'a and b'],
        python: '/w/.venv/bin/python',
        budget: 30,
      },
    },
    problems: [],
  });
});

test('a test command that is not shell words is left out, and the message names the setting', () => {
  const built = initializationOptions(
    snapshot({ testCommand: 'pytest -k "open', hypothesisLenses: false }),
    '/w',
  );
  assert.deepEqual(built.options, { lenses: { hypotheses: false } });
  assert.deepEqual(built.problems, [
    'Smart Debug: the setting smartDebug.localize.testCommand: unbalanced " in: pytest -k "open; ' +
      'the language server uses its default',
  ]);
});

test(
  "the real server reads every option the client sends, and its complaint names the user's setting",
  { skip: WITHOUT_VENV },
  async () => {
    const good = initializationOptions(
      snapshot({
        suggestionLenses: false,
        hypothesisLenses: false,
        maxLensesPerFile: 0,
        ai: 'anthropic',
        testCommand: 'python -m pytest tests',
        testPython: '/usr/bin/python3',
        localizeBudget: 12.5,
      }),
      '/w',
    );
    const read = await serverReads(good.options);
    assert.deepEqual(read.problems, []);
    assert.deepEqual(read.options, {
      lenses: { suggestions: false, hypotheses: false },
      maxLensesPerFile: 0,
      ai: 'anthropic',
      storePath: null,
      localize: {
        testCommand: ['python', '-m', 'pytest', 'tests'],
        python: '/usr/bin/python3',
        budget: 12.5,
      },
    });
    const bad = await serverReads(
      initializationOptions(snapshot({ maxLensesPerFile: 500, localizeBudget: 0 }), '/w').options,
    );
    // As the server shows them (lsp/convert.py's `show` puts its name in front).
    const shown = bad.problems.map((problem) => inSettingNames(`smart-debug: ${problem}`));
    assert.deepEqual(shown.sort(), [
      'Smart Debug: the setting smartDebug.localize.budget: Input should be greater than 0 (got 0); using its default',
      'Smart Debug: the setting smartDebug.maxLensesPerFile: Input should be less than or equal to 200 (got 500); ' +
        'using its default',
    ]);
  },
);

test('server messages about other things are left as they are', () => {
  assert.equal(inSettingNames('a store error'), 'a store error');
  assert.equal(
    inSettingNames('smart-debug: initializationOptions.somethingNew: Extra inputs are not permitted'),
    'Smart Debug: initializationOptions.somethingNew: Extra inputs are not permitted',
  );
  assert.match(
    inSettingNames('initializationOptions.localize.testCommand.0: bad'),
    /^the setting smartDebug\.localize\.testCommand: bad$/,
  );
});

const SPEC = {
  uri: 'file:///w/cart.py',
  line: 28,
  column: 1,
  condition: 'count == BULK_THRESHOLD',
  hitCondition: null,
  logMessage: null,
  recorded: true,
};

test("accept: the server's spec becomes a conditional breakpoint on its line", async () => {
  const editor = new FakeEditor();
  const args = [{ uri: SPEC.uri, line: 28, code: '    if count > BULK_THRESHOLD:', probe: {} }];
  const result = await onServerCommand(
    editor,
    new FakeLog(),
    'smartDebug.accept',
    args,
    async (command, sent) => {
      assert.equal(command, 'smartDebug.accept');
      assert.equal(sent, args);
      return SPEC;
    },
  );
  assert.equal(result, SPEC);
  assert.deepEqual(
    editor.added.map((b) => b.place),
    [
      {
        uri: SPEC.uri,
        line: 27,
        character: 0,
        condition: 'count == BULK_THRESHOLD',
        hitCondition: undefined,
        logMessage: undefined,
      },
    ],
  );
});

test('a refused command is one error message saying why; other commands pass through', async () => {
  const editor = new FakeEditor();
  const log = new FakeLog();
  const refuse = async () => {
    throw new Error('line 28 of cart.py changed since this suggestion was made; the lenses will refresh');
  };
  assert.equal(await onServerCommand(editor, log, 'smartDebug.accept', [{}], refuse), undefined);
  assert.deepEqual(editor.errors, [
    'Smart Debug: could not accept the suggestion: line 28 of cart.py changed since this suggestion was made; ' +
      'the lenses will refresh',
  ]);
  assert.equal(editor.added.length, 0);
  await assert.rejects(onServerCommand(editor, log, 'smartDebug.localize', [], refuse), /changed since/);
  const dismissed = { dismissed: true, line: 27, recorded: true };
  assert.equal(
    await onServerCommand(editor, log, 'smartDebug.dismiss', [{}], async () => dismissed),
    dismissed,
  );
  assert.match(log.lines.join('\n'), /dismissed the suggestion on line 27/);
});

test("show evidence: the server's markdown is shown, named after the hypothesis", async () => {
  const editor = new FakeEditor();
  const markdown = '### H1 56% · open\n`count > BULK_THRESHOLD` gets the boundary wrong';
  await onServerCommand(
    editor,
    new FakeLog(),
    'smartDebug.showEvidence',
    [{ session: 3, hypothesis: 'H1' }],
    async () => ({ markdown }),
  );
  assert.deepEqual(editor.markdown, [{ name: 'Evidence for H1 (session 3)', markdown }]);
  await onServerCommand(editor, new FakeLog(), 'smartDebug.showEvidence', [{}], async () => ({}));
  assert.deepEqual(editor.errors, ['Smart Debug: the language server sent no evidence to show']);
});
