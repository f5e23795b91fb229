import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import type * as vscode from 'vscode';
import { PYTHON_EXTENSION_ID } from '../../src/common/constants';
import { checkSmartDebug, expandSetting, resolveInterpreter } from '../../src/common/python';
import { FakeEditor, FakeLog } from './fakes';

const REPO = path.resolve(__dirname, '..', '..', '..', '..');
const VENV_PYTHON = path.join(REPO, '.venv', 'bin', 'python');

function pythonExtension(interpreter: string): vscode.Extension<unknown> {
  const exports = {
    environments: {
      getActiveEnvironmentPath: () => ({ path: interpreter }),
      resolveEnvironment: async () => ({ executable: { uri: { fsPath: `${interpreter}-resolved` } } }),
    },
  };
  return {
    isActive: false,
    activate: async () => exports,
    exports: undefined,
  } as unknown as vscode.Extension<unknown>;
}

test('the setting first, then the Python extension, then python3 on PATH', async () => {
  const editor = new FakeEditor();
  const log = new FakeLog();
  assert.deepEqual(await resolveInterpreter(editor, '', '/w', undefined, log), {
    path: 'python3',
    source: 'path',
  });
  editor.extensions.set(PYTHON_EXTENSION_ID, pythonExtension('/envs/project/bin/python'));
  assert.deepEqual(await resolveInterpreter(editor, '', '/w', undefined, log), {
    path: '/envs/project/bin/python-resolved',
    source: 'python-extension',
  });
  assert.deepEqual(
    await resolveInterpreter(editor, '${workspaceFolder}/.venv/bin/python', '/w', undefined, log),
    {
      path: '/w/.venv/bin/python',
      source: 'setting',
    },
  );
});

test('a Python extension without the environments API is skipped with a log line', async () => {
  const editor = new FakeEditor();
  const log = new FakeLog();
  editor.extensions.set(PYTHON_EXTENSION_ID, {
    isActive: true,
    exports: {},
  } as unknown as vscode.Extension<unknown>);
  assert.deepEqual(await resolveInterpreter(editor, '', undefined, undefined, log), {
    path: 'python3',
    source: 'path',
  });
  assert.match(log.lines.join('\n'), /no environments API/);
});

test('setting values: relative paths from the folder, bare names left to PATH', () => {
  assert.equal(expandSetting('  ', '/w'), '');
  assert.equal(expandSetting('.venv/bin/python', '/w'), '/w/.venv/bin/python');
  assert.equal(expandSetting('python3.12', '/w'), 'python3.12');
  assert.equal(expandSetting('~/venv/bin/python', '/w'), path.join(os.homedir(), 'venv/bin/python'));
});

const WITHOUT_VENV = existsSync(VENV_PYTHON) ? false : 'run make setup first';

/** A real Python that cannot import smart-debug: no site-packages, no current directory. */
function barePython(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sd-python-'));
  const bare = path.join(dir, 'python');
  writeFileSync(bare, '#!/bin/sh\nexec python3 -I -S "$@"\n');
  chmodSync(bare, 0o755);
  return bare;
}

test(
  "an interpreter that does not exist: the message names it and the checkout's .venv that has smart-debug",
  { skip: WITHOUT_VENV },
  async () => {
    const check = await checkSmartDebug(
      { path: '/nonexistent/bin/python3', source: 'setting' },
      undefined,
      REPO,
    );
    assert.ok(!check.ok);
    assert.equal(check.fix?.python, VENV_PYTHON);
    assert.equal(
      check.message,
      'Smart Debug: the interpreter /nonexistent/bin/python3 (from the setting smartDebug.python) could not be started (ENOENT). ' +
        `${VENV_PYTHON} has it (made by \`make setup\` in ${REPO}): set "smartDebug.python" to it.`,
    );
  },
);

test('an interpreter without smart-debug, a checkout without .venv: pip install of the checkout', async () => {
  const bare = barePython();
  const checkout = mkdtempSync(path.join(os.tmpdir(), 'sd-checkout-'));
  writeFileSync(path.join(checkout, 'pyproject.toml'), '[project]\nname = "smart-debug"\n');
  const check = await checkSmartDebug({ path: bare, source: 'path' }, undefined, checkout);
  assert.ok(!check.ok);
  assert.equal(check.fix?.command, `${bare} -m pip install ${checkout}`);
  assert.equal(
    check.message,
    `Smart Debug: smart-debug is not installed for ${bare} (python3 on PATH) ` +
      `(ModuleNotFoundError: No module named 'dap_proxy'). Install it from its checkout with: ${bare} -m pip install ${checkout}`,
  );
});

test(
  "the workspace folder's .venv is offered when it has smart-debug; with nothing known, how to install it",
  { skip: WITHOUT_VENV },
  async () => {
    const bare = barePython();
    const folder = mkdtempSync(path.join(os.tmpdir(), 'sd-folder-'));
    const venvPython = path.join(folder, '.venv', 'bin', 'python');
    mkdirSync(path.dirname(venvPython), { recursive: true });
    writeFileSync(venvPython, `#!/bin/sh\nexec ${VENV_PYTHON} "$@"\n`);
    chmodSync(venvPython, 0o755);
    const found = await checkSmartDebug({ path: bare, source: 'path' }, folder, undefined);
    assert.ok(!found.ok);
    assert.deepEqual(found.fix, {
      python: venvPython,
      text: `${venvPython} has it (the workspace folder's .venv): set "smartDebug.python" to it.`,
    });
    const none = await checkSmartDebug({ path: bare, source: 'path' }, undefined, undefined);
    assert.ok(!none.ok);
    assert.equal(none.fix?.python ?? none.fix?.command, undefined);
    assert.match(
      none.message,
      new RegExp(`Install it from a clone of smart-debug with: ${bare} -m pip install`),
    );
  },
);

test(
  "the project's interpreter imports smart-debug and reports its version",
  { skip: WITHOUT_VENV },
  async () => {
    const check = await checkSmartDebug({ path: VENV_PYTHON, source: 'setting' });
    assert.deepEqual(check, { ok: true, version: '0.1.0' });
  },
);
