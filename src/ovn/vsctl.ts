/**
 * `ovs-vsctl` against one node's private Open vSwitch database (`<rundir>/db.sock`), with the OVS environment
 * pointing at that directory so nothing looks under /var/run/openvswitch. Callers pass the command's arguments;
 * `vsctl` throws `ProcessError` on failure, `vsctlRun` returns the exit status.
 */
import { join } from 'node:path';
import { check, type ProcessRunner, type RunResult } from '../util/exec.ts';
import { ovsEnv } from './daemons.ts';

/** The conf.db socket of an OVS run directory. */
export function ovsDbSocket(rundir: string): string {
  return join(rundir, 'db.sock');
}

function vsctlArgs(rundir: string, args: readonly string[]): string[] {
  return [`--db=unix:${ovsDbSocket(rundir)}`, '--timeout=30', ...args];
}

export function vsctl(runner: ProcessRunner, rundir: string, ...args: string[]): Promise<string> {
  return check(runner, 'ovs-vsctl', vsctlArgs(rundir, args), { env: ovsEnv(rundir) });
}

export function vsctlRun(runner: ProcessRunner, rundir: string, ...args: string[]): Promise<RunResult> {
  return runner.run('ovs-vsctl', vsctlArgs(rundir, args), { env: ovsEnv(rundir) });
}

/** Decodes an OVSDB JSON datum as printed by `--format=json --data=json` (maps, sets, atoms) into plain values. */
export function plainDatum(datum: unknown): unknown {
  if (Array.isArray(datum) && datum.length === 2 && typeof datum[0] === 'string') {
    const [tag, body] = datum as [string, unknown];
    if (tag === 'map' && Array.isArray(body))
      return Object.fromEntries((body as [unknown, unknown][]).map(([k, v]) => [String(k), plainDatum(v)]));
    if (tag === 'set' && Array.isArray(body)) return body.map(plainDatum);
    if (tag === 'uuid' || tag === 'named-uuid') return body;
  }
  return datum;
}

/** Runs `find`/`list` with `--format=json --data=json` and returns rows as records of plain values. */
export async function vsctlRows(
  runner: ProcessRunner,
  rundir: string,
  ...args: string[]
): Promise<Record<string, unknown>[]> {
  const out = await vsctl(runner, rundir, '--format=json', '--data=json', ...args);
  const table = JSON.parse(out) as { headings: string[]; data: unknown[][] };
  return table.data.map((row) => Object.fromEntries(table.headings.map((h, i) => [h, plainDatum(row[i])])));
}
