/** Runs a short child process to completion and collects its output, bounded in time and size. */

import { spawn } from 'node:child_process';

export interface RunResult {
  code: number | null; // null: killed (timeout or cancelled) or never started
  stdout: string;
  stderr: string;
  spawnError?: NodeJS.ErrnoException; // e.g. ENOENT: the executable does not exist
  timedOut: boolean;
}

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs: number;
  signal?: AbortSignal;
}

// Output beyond this is dropped: the callers read a version, a JSON report or an error's tail.
const MAX_OUTPUT_CHARS = 16 * 1024 * 1024;

export function run(command: string, args: string[], options: RunOptions): Promise<RunResult> {
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    let spawnError: NodeJS.ErrnoException | undefined;
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      signal: options.signal,
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => {
      if (stdout.length < MAX_OUTPUT_CHARS) stdout += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < MAX_OUTPUT_CHARS) stderr += chunk.toString('utf8');
    });
    child.on('error', (error: NodeJS.ErrnoException) => {
      spawnError = error;
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: spawnError ? null : code, stdout, stderr, spawnError, timedOut });
    });
  });
}

/** The last few lines of a process' error output, for a message a person reads. */
export function tail(text: string, lines = 3): string {
  return text.trim().split('\n').slice(-lines).join('\n');
}

/** Splits a command line into words the way a POSIX shell would for simple input: whitespace
 * separates, single and double quotes group, a backslash escapes the next character. */
export function splitCommandLine(line: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"' && i + 1 < line.length) word += line[++i];
      else word += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      inWord = true;
    } else if (c === '\\' && i + 1 < line.length) {
      word += line[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (quote) throw new Error(`unbalanced ${quote} in: ${line}`);
  if (inWord) words.push(word);
  return words;
}
