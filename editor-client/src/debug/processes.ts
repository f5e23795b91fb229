/** The process picker behind `${command:pickProcess}`: the machine's processes, Python ones first. */

import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { run } from '../common/process';
import type { EditorApi } from '../common/vscodeapi';

export interface ProcessEntry {
  pid: number;
  command: string;
}

// Listing processes reads /proc or runs ps once.
const LIST_TIMEOUT_MS = 10_000;

/** Lines of `<pid> <command line>` (what ps and the PowerShell listing print). */
export function parseProcessLines(output: string): ProcessEntry[] {
  const entries: ProcessEntry[] = [];
  for (const line of output.split(/\r?\n/)) {
    const match = /^\s*(\d+)\s+(.*\S)\s*$/.exec(line);
    if (match) entries.push({ pid: Number(match[1]), command: match[2] });
  }
  return entries;
}

export function isPython(command: string): boolean {
  const executable = path.basename(command.split(/\s+/)[0] ?? '');
  return /^python(\d+(\.\d+)*)?(\.exe)?$/i.test(executable) || /\bdebugpy\b/.test(command);
}

/** Python processes first, then the rest, each group by pid; without the extension's own process. */
export function rankProcesses(entries: ProcessEntry[], ownPid: number): ProcessEntry[] {
  return entries
    .filter((entry) => entry.pid !== ownPid)
    .sort((a, b) => Number(isPython(b.command)) - Number(isPython(a.command)) || a.pid - b.pid);
}

async function linuxProcesses(): Promise<ProcessEntry[]> {
  const entries: ProcessEntry[] = [];
  for (const name of await fs.readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    // A process may end while we read it: skip it.
    const cmdline = await fs.readFile(`/proc/${name}/cmdline`, 'utf8').catch(() => '');
    const command = cmdline.split('\0').filter(Boolean).join(' ');
    if (command) entries.push({ pid: Number(name), command });
  }
  return entries;
}

export async function listProcesses(): Promise<ProcessEntry[]> {
  if (process.platform === 'linux') return linuxProcesses();
  const [command, args] =
    process.platform === 'win32'
      ? [
          'powershell',
          [
            '-NoProfile',
            '-Command',
            "Get-CimInstance Win32_Process | ForEach-Object { '{0} {1}' -f $_.ProcessId, $_.CommandLine }",
          ],
        ]
      : ['ps', ['-axww', '-o', 'pid=,args=']];
  const result = await run(command, args as string[], { timeoutMs: LIST_TIMEOUT_MS });
  return parseProcessLines(result.stdout);
}

/** Asks the user for a process; resolves to its pid as text, or undefined when cancelled. */
export async function pickProcess(api: EditorApi): Promise<string | undefined> {
  const entries = rankProcesses(await listProcesses(), process.pid);
  const picked = await api.showQuickPick(
    entries.map((entry) => ({
      label: `${path.basename(entry.command.split(/\s+/)[0] ?? '')} (${entry.pid})`,
      description: isPython(entry.command) ? 'Python' : undefined,
      detail: entry.command,
      pid: entry.pid,
    })),
    { placeHolder: 'Attach Smart Debug to which process?', matchOnDetail: true },
  );
  return picked ? String(picked.pid) : undefined;
}
