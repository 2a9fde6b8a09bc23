/**
 * What `kovn up` and `kovn down --id` say about another lab's leftovers (pure): a lab that still runs and holds the
 * id (nothing touched; the command that stops it), namespaces that hold processes nobody recorded (nothing
 * touched; the command that removes them), and a one-line summary of what was removed.
 */
import type { LabLiveness } from './liveness.ts';

/** A process found somewhere, with its command name for the message. */
export interface NamedProcess {
  pid: number;
  command: string;
}

export interface BusyNamespace {
  netns: string;
  processes: NamedProcess[];
}

const MAX_LISTED = 6;

/** `a, b, c and 4 more` */
export function listSome(items: readonly string[], max = MAX_LISTED): string {
  if (items.length <= max) return items.join(', ');
  return `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
}

const processList = (ps: readonly NamedProcess[]): string =>
  listSome(ps.map((p) => `pid ${p.pid} ${p.command}`));

/** Why a lab counts as alive: its daemon, else the recorded processes still running. */
export function aliveBecause(l: LabLiveness): string {
  if (l.daemon !== undefined) return `its daemon runs, pid ${l.daemon}`;
  if (l.running.length === 0) return 'it holds the id';
  const ps = l.running.map((p) => ({ pid: p.pid, command: p.component ?? p.command }));
  return `processes it recorded still run: ${processList(ps)}`;
}

/**
 * The id is held by a lab that is alive; `starting` is the home of the lab that wanted it (`kovn up`), which is
 * told how to take another id.
 */
export function heldByLiveLab(o: {
  id: string;
  holder: LabLiveness;
  namespaces: readonly string[];
  starting?: string;
}): string {
  const owned = o.namespaces.length ? `; its namespaces (${listSome(o.namespaces)}) were not touched` : '';
  return [
    `lab id ${o.id} is in use by the lab in ${o.holder.home} (${aliveBecause(o.holder)})${owned}.`,
    `  stop that lab:               KOVN_HOME=${o.holder.home} kovn down`,
    ...(o.starting === undefined
      ? []
      : [`  or give this lab another id: kovn down && kovn up --id ID   (kovn down removes ${o.starting})`]),
  ].join('\n');
}

/** Namespaces named as this id's hold processes that no lab recorded. */
export function unrecordedProcesses(id: string, busy: readonly BusyNamespace[]): string {
  const where = busy.map((b) => `${b.netns} (${processList(b.processes)})`).join('; ');
  return [
    `namespaces named as lab id ${id}'s hold processes that no lab kovn knows of recorded (they may belong to a running lab whose home it cannot see): ${where}. None of lab ${id}'s namespaces was removed.`,
    `  if nothing uses them: kovn down --id ${id}   (kills those processes and deletes the namespaces)`,
  ].join('\n');
}

export interface Removed {
  /** Whose leftovers: a home, or `this lab's earlier run`. */
  whose: string;
  processes: number;
  namespaces: number;
}

/** `removed the leftovers of <whose>: 3 processes, 2 namespaces`; undefined when nothing was removed. */
export function removedLine(r: Removed): string | undefined {
  if (r.processes === 0 && r.namespaces === 0) return undefined;
  const n = (count: number, what: string) => `${count} ${what}${count === 1 ? '' : 'es'}`;
  return `removed the leftovers of ${r.whose}: ${n(r.processes, 'process')}, ${r.namespaces} namespace${r.namespaces === 1 ? '' : 's'}`;
}
