/**
 * Leftovers of dead labs, before `kovn up` creates anything and for `kovn down --id`. A lab is dead when neither
 * its daemon nor any process its ledger recorded runs (liveness.ts); what it left (processes by their recorded pid
 * and start time, TProxy listeners by their pid files, namespaces named as its own, its run directories) is
 * removed by `teardown`. `kovn up` first looks at the claim on its id (claim.ts): held by a live lab in another
 * home, it refuses and touches nothing; held by a dead one, it tears that lab down and releases its claim. Then
 * it tears down its own home's leftovers, sweeping the id's namespaces too (a lab whose claim was lost, or one
 * from before claims), but kills nothing it did not record: when a namespace of the id holds such a process, all
 * of them stay and `up` refuses, naming them and `kovn down --id`. Last it claims the id.
 */
import { processRunner, type ProcessRunner } from '../../util/exec.ts';
import type { Clock } from '../../util/clock.ts';
import { labLayout, type LabLayout } from '../layout.ts';
import { listNetns } from '../dataplane/netns.ts';
import { readClaim, releaseClaim, takeClaim } from './claim.ts';
import { heldByLiveLab, removedLine, unrecordedProcesses, type BusyNamespace } from './leftover-messages.ts';
import { isLabAlive, labLiveness } from './liveness.ts';
import { sweepNamespaces, type NetnsProcesses } from './netns-sweep.ts';
import { processArgv } from './procfs.ts';
import { teardown, type TeardownOptions, type TeardownReport } from './teardown.ts';

export interface LeftoverOptions {
  runner?: ProcessRunner;
  clock?: Clock;
  graceMs?: number;
}

/** `ok` with what was removed (lines to print), or a refusal saying why and what to run. */
export type Clearance = { ok: true; removed: string[] } | { ok: false; message: string };

const named = (busy: readonly NetnsProcesses[]): BusyNamespace[] =>
  busy.map((b) => ({
    netns: b.netns,
    processes: b.pids.map((pid) => ({ pid, command: processArgv(pid).join(' ').slice(0, 60) || '?' })),
  }));

function teardownOptions(o: LeftoverOptions, extra: TeardownOptions): TeardownOptions {
  return {
    ...extra,
    ...(o.runner ? { runner: o.runner } : {}),
    ...(o.clock ? { clock: o.clock } : {}),
    ...(o.graceMs === undefined ? {} : { graceMs: o.graceMs }),
  };
}

/** The refusal a teardown's report calls for, if any. */
function refusal(id: string, report: TeardownReport): string | undefined {
  if (report.busy.length) return unrecordedProcesses(id, named(report.busy));
  if (report.errors.length) return `could not remove lab ${id}'s leftovers:\n  ${report.errors.join('\n  ')}`;
  return undefined;
}

const count = (r: TeardownReport) => ({
  processes: r.stopped.length + r.strays.length + r.listeners,
  namespaces: r.namespaces.length,
});

/** Makes the machine ready for this lab to start, or says why not (nothing of a live lab is touched). */
export async function clearForUp(layout: LabLayout, o: LeftoverOptions = {}): Promise<Clearance> {
  const removed: string[] = [];
  const keep = teardownOptions(o, { keepLogs: true, strays: 'keep' });
  const claim = readClaim(layout);
  if (claim && claim.home !== layout.home) {
    const other = labLayout(claim.home, layout.id);
    const holder = labLiveness(other);
    if (isLabAlive(holder)) {
      const namespaces = (await listNetns(o.runner ?? processRunner)).filter((n) => layout.owns(n));
      return {
        ok: false,
        message: heldByLiveLab({ id: layout.id, holder, namespaces, starting: layout.home }),
      };
    }
    const report = await teardown(other, keep);
    const why = refusal(layout.id, report);
    if (why) return { ok: false, message: why };
    releaseClaim(layout, claim.home);
    const line = removedLine({ whose: `a dead lab in ${claim.home}`, ...count(report) });
    if (line) removed.push(line);
  }
  const own = await teardown(layout, keep);
  const why = refusal(layout.id, own);
  if (why) return { ok: false, message: why };
  const line = removedLine({ whose: 'an earlier run', ...count(own) });
  if (line) removed.push(line);
  const taken = takeClaim(layout);
  if (taken !== 'taken')
    return {
      ok: false,
      message: `lab id ${layout.id} was claimed by the lab in ${taken.home} while this one got ready; nothing was started (run kovn up again to see whether that lab is alive)`,
    };
  return { ok: true, removed };
}

/**
 * `kovn down --id ID`: removes what lab `id` left on this machine, wherever its home is (the claim's, else `home`
 * when its lab has that id): that lab's teardown (its logs kept), or without a home just the namespaces named as
 * its own, killing the processes inside; then the claim. Refuses while that lab is alive.
 */
export async function removeLeftoversOf(
  home: string,
  homeId: string | undefined,
  id: string,
  o: LeftoverOptions = {},
): Promise<Clearance> {
  const here = labLayout(home, id);
  const owner = readClaim(here)?.home ?? (homeId === id ? home : undefined);
  if (owner === undefined) {
    const swept = await sweepNamespaces(o.runner ?? processRunner, (n) => here.owns(n), [], 'kill');
    if (swept.errors.length) return { ok: false, message: swept.errors.join('\n') };
    const line = removedLine({
      whose: `lab id ${id}`,
      processes: swept.killed.length,
      namespaces: swept.deleted.length,
    });
    return { ok: true, removed: line ? [line] : [] };
  }
  const layout = labLayout(owner, id);
  const holder = labLiveness(layout);
  if (isLabAlive(holder)) {
    const namespaces = (await listNetns(o.runner ?? processRunner)).filter((n) => here.owns(n));
    return { ok: false, message: heldByLiveLab({ id, holder, namespaces }) };
  }
  const report = await teardown(layout, teardownOptions(o, { keepLogs: true }));
  if (report.errors.length) return { ok: false, message: report.errors.join('\n') };
  releaseClaim(here, owner);
  const line = removedLine({ whose: `lab ${id} in ${owner}`, ...count(report) });
  return { ok: true, removed: line ? [line] : [] };
}
