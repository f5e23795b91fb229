// Microsoft's DebugClient (@vscode/debugadapter-testsupport), an independent DAP client, drives
// `python -m dap_proxy` (smart-debug dap): launch, stop at a breakpoint, read variables, continue
// to termination. Run by tests/e2e/test_node_debugclient.py, or directly: `node --test` here.
'use strict';

const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { test, beforeEach, afterEach } = require('node:test');
const { DebugClient } = require('@vscode/debugadapter-testsupport');

const REPO = path.resolve(__dirname, '..', '..');
const PYTHON = process.env.SMART_DEBUG_PYTHON || path.join(REPO, '.venv', 'bin', 'python');
const PROGRAM = fs.realpathSync(path.join(__dirname, 'fixtures', 'cart.py'));
const BP_LINE = fs.readFileSync(PROGRAM, 'utf8').split('\n').findIndex((l) => l.includes('# @bp')) + 1;
const EVENT_TIMEOUT_MS = 30000; // a debugpy event under a loaded machine

let dc;

beforeEach(async () => {
  // DebugClient spawns `runtime executable`: "-mdap_proxy" is `-m dap_proxy` as one argument.
  dc = new DebugClient(PYTHON, '-mdap_proxy', 'smart-debug', { cwd: REPO });
  dc.defaultTimeout = EVENT_TIMEOUT_MS;
  await dc.start();
});

afterEach(async () => {
  await dc.stop();
});

test('launch, hit a breakpoint, read variables, continue to termination', async () => {
  const launchArgs = {
    type: 'smart-debug',
    request: 'launch',
    program: PROGRAM,
    cwd: path.dirname(PROGRAM),
    console: 'internalConsole',
    justMyCode: true,
  };
  const [, , stack] = await dc.hitBreakpoint(launchArgs, { path: PROGRAM, line: BP_LINE });

  const frame = stack.body.stackFrames[0];
  assert.equal(frame.name, 'total');
  const scopes = await dc.scopesRequest({ frameId: frame.id });
  const locals = scopes.body.scopes.find((s) => s.name === 'Locals');
  assert.ok(locals, `no Locals scope in ${JSON.stringify(scopes.body.scopes)}`);
  const variables = await dc.variablesRequest({ variablesReference: locals.variablesReference });
  const byName = Object.fromEntries(variables.body.variables.map((v) => [v.name, v.value]));
  assert.equal(byName.subtotal, '12');
  assert.equal(byName.prices, '[3, 4, 5]');

  const threads = await dc.threadsRequest();
  assert.ok(threads.body.threads.length >= 1);
  await Promise.all([
    dc.assertOutput('stdout', 'total=12'),
    dc.continueRequest({ threadId: threads.body.threads[0].id }),
    dc.waitForEvent('terminated'),
  ]);
});
