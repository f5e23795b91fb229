import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
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

test('an interpreter that does not exist: the message names it and where it came from', async () => {
  const check = await checkSmartDebug({ path: '/nonexistent/bin/python3', source: 'setting' });
  assert.ok(!check.ok);
  assert.equal(
    check.message,
    'Smart Debug: the interpreter /nonexistent/bin/python3 (from the setting smartDebug.python) could not be started (ENOENT). ' +
      'Set "smartDebug.python" to a Python interpreter that has smart-debug installed.',
  );
});

test('an interpreter without smart-debug: the message names it and the one command that fixes it', async () => {
  // A real Python without site-packages or the current directory on sys.path.
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sd-python-'));
  const bare = path.join(dir, 'python');
  writeFileSync(bare, '#!/bin/sh\nexec python3 -I -S "$@"\n');
  chmodSync(bare, 0o755);
  const check = await checkSmartDebug({ path: bare, source: 'path' });
  assert.ok(!check.ok);
  assert.equal(check.fix, `${bare} -m pip install smart-debug`);
  assert.equal(
    check.message,
    `Smart Debug: smart-debug is not installed for ${bare} (python3 on PATH) ` +
      `(ModuleNotFoundError: No module named 'dap_proxy'). Install it with: ${bare} -m pip install smart-debug`,
  );
});

test(
  "the project's interpreter imports smart-debug and reports its version",
  { skip: !existsSync(VENV_PYTHON) && 'run make setup first' },
  async () => {
    const check = await checkSmartDebug({ path: VENV_PYTHON, source: 'setting' });
    assert.deepEqual(check, { ok: true, version: '0.1.0' });
  },
);
