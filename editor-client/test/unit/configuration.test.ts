import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SettingsSnapshot, SmartDebugSettings } from '../../src/common/settings';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import {
  configForActiveFile,
  isEmptyConfig,
  problemBeforeStart,
  withSettings,
} from '../../src/debug/configuration';

const MANIFEST = JSON.parse(readFileSync(path.join(__dirname, '..', '..', '..', 'package.json'), 'utf8'));
const CURRENT_FILE = MANIFEST.contributes.debuggers[0].initialConfigurations[0];

const values: SmartDebugSettings = {
  python: '',
  ai: 'anthropic',
  model: '',
  autoLogpoints: 3,
  showProbeOutput: false,
  lensKinds: [],
  testCommand: '',
};
const settings = (...explicit: (keyof SmartDebugSettings)[]): SettingsSnapshot => ({
  values,
  explicit: new Set(explicit),
});

test('no launch.json: the current Python file, else a message saying what to do', () => {
  assert.ok(isEmptyConfig({ type: '', name: '', request: '' }));
  assert.ok(!isEmptyConfig({ type: 'smart-debug', name: 'x', request: 'launch', program: 'a.py' }));
  assert.deepEqual(configForActiveFile('python', CURRENT_FILE), { config: CURRENT_FILE });
  assert.equal(CURRENT_FILE.program, '${file}');
  const made = configForActiveFile('markdown', CURRENT_FILE);
  assert.ok('error' in made && made.error.includes('open a Python file'));
});

test('only settings the user set fill the smartDebug block, and never over the block', () => {
  const config = {
    type: 'smart-debug',
    name: 'x',
    request: 'launch',
    program: 'a.py',
    smartDebug: { ai: 'off' },
  };
  assert.equal(withSettings(config, settings()), config);
  assert.deepEqual(withSettings(config, settings('ai', 'autoLogpoints', 'model')).smartDebug, {
    ai: 'off',
    autoLogpoints: 3,
  });
  const bare = { type: 'smart-debug', name: 'x', request: 'launch', program: 'a.py' };
  assert.deepEqual(withSettings(bare, settings('showProbeOutput')).smartDebug, { showProbeOutput: false });
});

test('a missing program or working directory is named before the session starts', () => {
  const files = new Set(['/w', '/w/app.py']);
  const exists = (file: string) => files.has(file);
  const launch = (extra: object) => ({ type: 'smart-debug', name: 'Run app', request: 'launch', ...extra });
  assert.equal(problemBeforeStart(launch({ program: '/w/app.py' }), '/w', exists), undefined);
  assert.equal(problemBeforeStart(launch({ program: 'app.py', cwd: '/w' }), undefined, exists), undefined);
  assert.equal(problemBeforeStart(launch({ module: 'pytest', cwd: '/w' }), '/w', exists), undefined);
  assert.equal(
    problemBeforeStart(launch({ program: 'missing.py' }), '/w', exists),
    'Smart Debug: the program /w/missing.py does not exist (launch configuration "Run app"). Fix "program" in launch.json.',
  );
  assert.match(
    problemBeforeStart(launch({ program: '/w/app.py', cwd: '/nope' }), '/w', exists) ?? '',
    /working directory \/nope does not exist/,
  );
  assert.match(problemBeforeStart(launch({}), '/w', exists) ?? '', /neither "program" nor "module"/);
  assert.equal(
    problemBeforeStart(
      { type: 'smart-debug', name: 'a', request: 'attach', connect: { port: 1 } },
      '/w',
      exists,
    ),
    undefined,
  );
});
