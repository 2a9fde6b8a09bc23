/**
 * The chaos run's printed report: the seed and the options (so the run can be replayed), the kill schedule as
 * carried out (offset, victim, pid or pod uid), the writes' figures, each convergence check with its figure and
 * its first failures, and the running flows' losses and longest gaps (each ping loss episode with the kill before it).
 */
import type { ChaosOutcome } from './run.ts';

const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** The ping's loss episodes, each with the last kill before it (offsets from the storm's start). */
function lossEpisodes(r: ChaosOutcome, max: number): string[] {
  const gaps = r.flows?.ping.gaps ?? [];
  const lead = r.timings.flowsLeadMs;
  const lines = gaps.slice(0, max).map((g) => {
    const at = g.atMs - lead;
    const before = r.executed.filter((k) => k.doneMs <= at).at(-1);
    const kill = before
      ? `, ${s(at - before.doneMs)} after kill #${r.executed.indexOf(before) + 1} ${before.victim}`
      : '';
    return `        ${g.lost} lost at +${s(at)}${kill}`;
  });
  if (gaps.length > max) lines.push(`        ... and ${gaps.length - max} more episodes`);
  if (gaps.length) {
    const during = gaps.filter((g) => g.atMs - lead <= r.timings.stormMs).reduce((n, g) => n + g.lost, 0);
    const total = gaps.reduce((n, g) => n + g.lost, 0);
    lines.push(
      `        ${gaps.length} episodes: ${during} lost during the storm, ${total - during} after it (converging)`,
    );
  }
  return lines;
}

export function formatReport(r: ChaosOutcome, maxFailures = 8): string[] {
  const o = r.options;
  const lines = [
    `chaos — seed ${o.seed}, ${o.pods} pods, ${o.vpcs} VPCs, ${o.kills} kills (replay: npm run chaos -- --seed ${o.seed} --pods ${o.pods} --kills ${o.kills} --vpcs ${o.vpcs})`,
    `kills carried out (offset from the storm's start, victim, target):`,
    ...r.executed.map(
      (k, i) =>
        `  #${String(i + 1).padStart(2)} +${s(k.doneMs).padStart(7)} (planned +${s(k.atMs)}) ${k.victim.padEnd(34)} ${k.target}${k.note ? `  ${k.note}` : ''}`,
    ),
    `timings: lab up ${s(r.timings.upMs)}, storm (writes and kills) ${s(r.timings.stormMs)}, converged in ${s(r.timings.convergeMs)} after it`,
    `writes: ${r.writes.acked} acknowledged, ${r.writes.retries} retries, ${r.writes.maybeOurs} taken as ours after a 409, ${r.writes.failed} failed`,
    'checks:',
  ];
  for (const c of r.results) {
    lines.push(
      `  ${c.failures.length ? 'FAIL' : 'ok  '} ${c.name.padEnd(36)} ${c.figure}${c.failures.length ? `, ${c.failures.length} failing` : ''}`,
    );
    for (const f of c.failures.slice(0, maxFailures)) lines.push(`         ${f}`);
    if (c.failures.length > maxFailures)
      lines.push(`         ... and ${c.failures.length - maxFailures} more`);
  }
  if (r.flows) {
    const { ping, tcp } = r.flows;
    lines.push(
      'flows (pod A on one node -> pod B on the other, for the whole run):',
      `  ping: ${ping.sent} sent, ${ping.lost} lost, longest gap ${ping.longestGapMs} ms${ping.lost ? ` (at +${s(ping.longestGapAtMs - r.timings.flowsLeadMs)})` : ''}`,
      ...lossEpisodes(r, maxFailures),
      `  tcp:  ${tcp.sent} sent, ${tcp.missing} missing, ${tcp.late} late (> 1 s), ${tcp.resets} resets, longest gap ${tcp.longestGapMs} ms`,
    );
  } else lines.push('flows: no figures');
  lines.push(
    `teardown: ${r.teardown.ok ? 'kovn down ok' : 'kovn down FAILED'}; namespaces left: ${r.teardown.leftovers.join(', ') || 'none'}`,
  );
  if (r.logsKept) lines.push(`lab logs kept in ${r.logsKept}`);
  if (r.error) lines.push(`run failed: ${r.error}`);
  return lines;
}
