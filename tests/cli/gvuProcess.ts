// The real CLI entry point as a child process (node --import tsx src/cli/gvu.ts ...), for the queue
// tests that run producers and workers side by side; every process a test starts is killed after.
import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

export interface GvuExit { readonly code: number | null; readonly signal: NodeJS.Signals | null; readonly stdout: string; readonly stderr: string }

export interface GvuProcess {
  readonly child: ChildProcess;
  /** stdout then stderr, so far. */
  readonly out: () => string;
  readonly done: Promise<GvuExit>;
}

const children: ChildProcess[] = [];

/** One thread per ORT session: several processes share two cores. */
export function gvu(args: readonly string[], env: Record<string, string> = {}): GvuProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/gvu.ts', ...args], { env: { ...process.env, GVU_ORT_THREADS: '1', ...env } });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (b: Buffer) => { stdout += b.toString(); });
  child.stderr?.on('data', (b: Buffer) => { stderr += b.toString(); });
  const done = new Promise<GvuExit>((resolve) => {
    child.on('exit', (code, signal) => setImmediate(() => resolve({ code, signal, stdout, stderr })));
  });
  return { child, out: () => stdout + stderr, done };
}

/** SIGKILL whatever is still running (afterAll). */
export function killGvuProcesses(): void {
  for (const c of children) if (c.exitCode === null && c.signalCode === null && c.pid) process.kill(c.pid, 'SIGKILL');
}

/** Every file below `dir`, as paths relative to it, sorted. */
export const listFiles = (dir: string, sub = ''): string[] => readdirSync(join(dir, sub), { withFileTypes: true })
  .flatMap((e) => (e.isDirectory() ? listFiles(dir, join(sub, e.name)) : [join(sub, e.name)])).sort();
