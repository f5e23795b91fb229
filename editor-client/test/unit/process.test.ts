import assert from 'node:assert/strict';
import { test } from 'node:test';
import { run, splitCommandLine, tail } from '../../src/common/process';
import { isPython, listProcesses, parseProcessLines, rankProcesses } from '../../src/debug/processes';

test('command lines split like a shell for quotes and escapes', () => {
  assert.deepEqual(splitCommandLine('python -m pytest -q tests'), ['python', '-m', 'pytest', '-q', 'tests']);
  assert.deepEqual(splitCommandLine(`'/my env/python' -k "a and b" x\\ y ''`), [
    '/my env/python',
    '-k',
    'a and b',
    'x y',
    '',
  ]);
  assert.throws(() => splitCommandLine('pytest -k "open'), /unbalanced "/);
});

test('run collects output and exit codes; a missing executable is a spawn error, a slow one times out', async () => {
  const ok = await run('sh', ['-c', 'echo out; echo err >&2; exit 3'], { timeoutMs: 10_000 });
  assert.deepEqual([ok.code, ok.stdout, ok.stderr, ok.timedOut], [3, 'out\n', 'err\n', false]);
  const missing = await run('/nonexistent/tool', [], { timeoutMs: 10_000 });
  assert.equal(missing.code, null);
  assert.equal(missing.spawnError?.code, 'ENOENT');
  const slow = await run('sleep', ['30'], { timeoutMs: 200 });
  assert.equal(slow.timedOut, true);
  assert.equal(tail('a\nb\nc\nd\n', 2), 'c\nd');
});

test('the process list: parsed, Python first, without our own process', async () => {
  const entries = parseProcessLines(
    '  12 /usr/bin/bash\n 7 /usr/bin/python3.11 app.py\n\n 99 node x\n 5 /opt/venv/bin/python -m debugpy --listen 5678 a.py\n',
  );
  assert.deepEqual(
    rankProcesses(entries, 99).map((e) => e.pid),
    [5, 7, 12],
  );
  assert.ok(isPython('C:\\Python311\\python.exe app.py') === false || process.platform === 'win32');
  assert.ok(isPython('python3 app.py'));
  assert.ok(!isPython('/usr/bin/pythonista'));
  const real = await listProcesses();
  assert.ok(real.some((e) => e.pid === process.pid && e.command.includes('node')));
});
