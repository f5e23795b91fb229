// Microsoft's DebugClient (@vscode/debugadapter-testsupport), an independent DAP client, drives
// `python -m dap_proxy` (smart-debug dap): launch, stop at a breakpoint, read variables, continue
// to termination; then the same with the live session injecting probes for a reported failure.
// Run by tests/e2e/test_node_debugclient.py, or directly: `node --test` here.
'use strict';

const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
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

async function debugToTheEnd(program, extra) {
  const launchArgs = {
    type: 'smart-debug',
    request: 'launch',
    program,
    cwd: path.dirname(program),
    console: 'internalConsole',
    justMyCode: true,
    ...extra,
  };
  const [, , stack] = await dc.hitBreakpoint(launchArgs, { path: program, line: BP_LINE });

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
}

test('launch, hit a breakpoint, read variables, continue to termination', async () => {
  await debugToTheEnd(PROGRAM, {});
});

test('the same with the live session injecting probes for a reported failure', async () => {
  // a copy: the live session records the failure in the workspace's store (its `cwd`)
  const workspace = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'smart-debug-node-')));
  const program = path.join(workspace, 'cart.py');
  fs.copyFileSync(PROGRAM, program);
  const traceback = [
    'Traceback (most recent call last):',
    `  File "${program}", line 11, in <module>`,
    '    result = total([3, 4, 5])',
    `  File "${program}", line 7, in total`,
    '    subtotal += price',
    "TypeError: unsupported operand type(s) for +=: 'int' and 'str'",
  ].join('\n');
  const suggestions = dc.waitForEvent('smartDebug/suggestions');
  const console = [];
  const stdout = [];
  dc.on('output', (e) => (e.body.category === 'console' ? console : stdout).push(e.body.output));
  try {
    await debugToTheEnd(program, { smartDebug: { traceback } });
    const body = (await suggestions).body;
    assert.equal(body.version, 1);
    const injected = body.probes.filter((p) => p.status === 'injected');
    assert.ok(injected.some((p) => p.line === 7), JSON.stringify(body.probes));
    // the probe's values reached the Debug Console as ours, never as program output
    assert.ok(console.some((line) => line.startsWith('[smart-debug] cart.py:7')), console.join(''));
    assert.ok(!stdout.some((line) => line.includes('@@sd:')), stdout.join(''));
  } finally {
    fs.rmSync(workspace, { recursive: true, force: true });
  }
});
