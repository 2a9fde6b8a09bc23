/**
 * The one way the codebase runs other programs. `ProcessRunner.run` executes a command to completion and returns its
 * exit code and output (a non-zero exit is a result, not an exception); `spawn` starts a long-running daemon and hands
 * back its pid and an exit promise. `netns` runs the command inside a network namespace via `ip netns exec NS` (which
 * execs the command in its own process: one process per command). `processGroup` starts the command as the leader of
 * a process group of its own, so a timeout kills everything it started, by that pid. Only this module imports
 * `child_process`.
 */
import { spawn as spawnChild, type StdioOptions } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import { systemClock } from './clock.ts';

export interface RunOptions {
  /** Written to the child's stdin, which is then closed. */
  input?: string | Buffer;
  /** Network namespace name (as listed by `ip netns`); absent or undefined: this process's own. */
  netns?: string | undefined;
  /** Extra environment variables, merged over the parent's (or the whole environment, with `inheritEnv: false`). */
  env?: Record<string, string>;
  /** Pass this process's environment on (default true). */
  inheritEnv?: boolean;
  cwd?: string;
  /** Kill the child (SIGKILL) and reject with `ProcessTimeoutError` after this long. */
  timeoutMs?: number;
  /** Start the child as the leader of a new process group; at `timeoutMs` the whole group is killed (`kill -pid`)
   * and its output pipes are closed, so a descendant that keeps them open cannot hold the result back. */
  processGroup?: boolean;
}

export interface RunResult {
  /** Exit code; 128 + signal number if killed by a signal. */
  code: number;
  stdout: string;
  stderr: string;
}

export interface SpawnOptions {
  netns?: string | undefined;
  env?: Record<string, string>;
  cwd?: string;
  /** Append stdout and stderr to this file; without it they are discarded. */
  logFile?: string;
  /** Run in its own process group, not killed with us (daemons that outlive the CLI). */
  detached?: boolean;
}

export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface SpawnedProcess {
  pid: number;
  /** Resolves when the process exits (never rejects). */
  exited: Promise<ProcessExit>;
  kill(signal?: NodeJS.Signals): void;
}

export interface ProcessRunner {
  run(cmd: string, args: readonly string[], options?: RunOptions): Promise<RunResult>;
  spawn(cmd: string, args: readonly string[], options?: SpawnOptions): Promise<SpawnedProcess>;
}

/** A command exited non-zero where success was required (see `check`). */
export class ProcessError extends Error {
  readonly command: string;
  readonly result: RunResult;
  constructor(command: string, result: RunResult) {
    super(`${command}: exit ${result.code}: ${result.stderr.trim() || result.stdout.trim()}`);
    this.name = 'ProcessError';
    this.command = command;
    this.result = result;
  }
}

export class ProcessTimeoutError extends Error {
  constructor(command: string, timeoutMs: number) {
    super(`${command}: killed after ${timeoutMs} ms`);
    this.name = 'ProcessTimeoutError';
  }
}

const signalNumbers: Partial<Record<NodeJS.Signals, number>> = {
  SIGHUP: 1,
  SIGINT: 2,
  SIGKILL: 9,
  SIGTERM: 15,
};

function argv(cmd: string, args: readonly string[], netns: string | undefined): [string, string[]] {
  return netns === undefined ? [cmd, [...args]] : ['ip', ['netns', 'exec', netns, cmd, ...args]];
}

function describe(cmd: string, args: readonly string[], netns: string | undefined): string {
  return `${netns === undefined ? '' : `[netns ${netns}] `}${[cmd, ...args].join(' ')}`;
}

/** SIGKILL to every process of the group led by `pid` (gone already: nothing to do). */
function killGroup(pid: number | undefined): void {
  if (pid === undefined || pid <= 0) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // the group has no member left
  }
}

/** Runs `cmd` and throws `ProcessError` unless it exits 0; returns stdout. */
export async function check(
  runner: ProcessRunner,
  cmd: string,
  args: readonly string[],
  options?: RunOptions,
): Promise<string> {
  const result = await runner.run(cmd, args, options);
  if (result.code !== 0) throw new ProcessError(describe(cmd, args, options?.netns), result);
  return result.stdout;
}

/** The real runner, over `node:child_process`. */
export class ChildProcessRunner implements ProcessRunner {
  run(cmd: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
    const [file, fileArgs] = argv(cmd, args, options.netns);
    const what = describe(cmd, args, options.netns);
    const group = options.processGroup === true && options.timeoutMs !== undefined;
    return new Promise((resolve, reject) => {
      const child = spawnChild(file, fileArgs, {
        env: options.inheritEnv === false ? { ...options.env } : { ...process.env, ...options.env },
        ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
        ...(options.timeoutMs === undefined || group
          ? {}
          : { timeout: options.timeoutMs, killSignal: 'SIGKILL' as const }),
        detached: options.processGroup === true,
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let groupKilled = false;
      const timer = group
        ? systemClock.setTimeout(() => {
            groupKilled = true;
            killGroup(child.pid);
            child.stdout.destroy();
            child.stderr.destroy();
          }, options.timeoutMs ?? 0)
        : undefined;
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
      child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
      child.on('error', (cause) => {
        systemClock.clearTimeout(timer);
        reject(new Error(`${what}: ${cause.message}`, { cause }));
      });
      child.stdin.on('error', () => {
        /* the child may exit without reading its input; its exit status tells the story */
      });
      child.on('close', (code, signal) => {
        systemClock.clearTimeout(timer);
        if (groupKilled || (signal !== null && options.timeoutMs !== undefined && child.killed)) {
          reject(new ProcessTimeoutError(what, options.timeoutMs ?? 0));
          return;
        }
        const stdout = Buffer.concat(out).toString('utf8');
        const stderr = Buffer.concat(err).toString('utf8');
        resolve({ code: code ?? 128 + (signal === null ? 0 : (signalNumbers[signal] ?? 0)), stdout, stderr });
      });
      child.stdin.end(options.input ?? '');
    });
  }

  spawn(cmd: string, args: readonly string[], options: SpawnOptions = {}): Promise<SpawnedProcess> {
    const [file, fileArgs] = argv(cmd, args, options.netns);
    const what = describe(cmd, args, options.netns);
    const fd = options.logFile === undefined ? undefined : openSync(options.logFile, 'a');
    const stdio: StdioOptions = fd === undefined ? 'ignore' : ['ignore', fd, fd];
    return new Promise((resolve, reject) => {
      const child = spawnChild(file, fileArgs, {
        env: { ...process.env, ...options.env },
        ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
        detached: options.detached ?? false,
        stdio,
      });
      if (fd !== undefined) closeSync(fd);
      const exited = new Promise<ProcessExit>((done) =>
        child.on('exit', (code, signal) => done({ code, signal })),
      );
      child.once('error', (cause) => reject(new Error(`${what}: ${cause.message}`, { cause })));
      child.once('spawn', () => {
        if (options.detached) child.unref();
        resolve({ pid: child.pid ?? -1, exited, kill: (signal) => void child.kill(signal ?? 'SIGTERM') });
      });
    });
  }
}

export const processRunner: ProcessRunner = new ChildProcessRunner();

/** A child whose stdin, stdout and stderr are pipes (for relaying bytes, e.g. a probe connection). */
export interface PipedProcess {
  pid: number;
  stdin: NodeJS.WritableStream & { destroy(): void };
  stdout: NodeJS.ReadableStream & { destroy(): void };
  stderr: NodeJS.ReadableStream;
  exited: Promise<ProcessExit>;
  kill(signal?: NodeJS.Signals): void;
}

/** Starts `cmd` (in `netns`) with piped stdio; rejects if it cannot be started. */
export function spawnPiped(
  cmd: string,
  args: readonly string[],
  options: { netns?: string } = {},
): Promise<PipedProcess> {
  const [file, fileArgs] = argv(cmd, args, options.netns);
  const what = describe(cmd, args, options.netns);
  return new Promise((resolve, reject) => {
    const child = spawnChild(file, fileArgs, { stdio: ['pipe', 'pipe', 'pipe'] });
    const exited = new Promise<ProcessExit>((done) =>
      child.on('exit', (code, signal) => done({ code, signal })),
    );
    child.stdin.on('error', () => {
      /* the child may exit without reading; its exit tells the story */
    });
    child.once('error', (cause) => reject(new Error(`${what}: ${cause.message}`, { cause })));
    child.once('spawn', () =>
      resolve({
        pid: child.pid ?? -1,
        stdin: child.stdin,
        stdout: child.stdout,
        stderr: child.stderr,
        exited,
        kill: (signal) => void child.kill(signal ?? 'SIGTERM'),
      }),
    );
  });
}
