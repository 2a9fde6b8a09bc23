/**
 * The chaos benchmark (run: npm run chaos): a lab, a storm of objects (several VPCs with overlapping subnets,
 * namespaces, --pods pods over both nodes, static and policy routes, a NAT gateway with EIPs and DNAT/SNAT/FIP
 * rules) written while the controller, the API server, each node agent, ovn-northd, the NB and SB ovsdb-servers, one
 * ovn-controller (SIGKILL, by the pid from the lab's status file) and the NAT gateway pod (force-deleted through the
 * API, so its StatefulSet re-creates it) are killed at seeded random moments, many times over; a ping and a TCP flow
 * between two pods on different nodes run throughout. Then it waits for convergence and checks: every pod Ready,
 * every EIP and NAT rule ready, IP objects == pod NICs (no leak, no duplicate), subnet counters, NB rows owned by
 * kovn == the desired rows, the gateway's iptables == its rule objects, every acknowledged write present; and prints
 * the flows' losses and longest gaps. Flags: --seed N (default random, printed), --pods N (120), --kills N (40),
 * --vpcs N (3). Exits 1 when a check fails or the TCP flow lost a segment or was reset. The lab (temp home, random id) is removed at the end, also on error.
 * Modules: bench/chaos/ (schedule, storm, writes, flows, checks, lab, run, report).
 */
import { parseArgs } from 'node:util';
import { randomInt } from 'node:crypto';
import { formatReport } from './chaos/report.ts';
import { passed, runChaos, scheduleOf } from './chaos/run.ts';
import { formatSchedule } from './chaos/schedule.ts';

const { values: flags } = parseArgs({
  options: {
    seed: { type: 'string' },
    pods: { type: 'string', default: '120' },
    kills: { type: 'string', default: '40' },
    vpcs: { type: 'string', default: '3' },
  },
});
const options = {
  seed: flags.seed === undefined ? randomInt(2 ** 31) : Number(flags.seed),
  pods: Number(flags.pods),
  kills: Number(flags.kills),
  vpcs: Number(flags.vpcs),
};
const log = (line: string) => console.log(line);
log(
  `chaos — ${new Date().toISOString()}, seed ${options.seed}, ${options.pods} pods, ${options.vpcs} VPCs, ${options.kills} kills`,
);
log('kill schedule (offset from the start of the storm, victim):');
for (const line of formatSchedule(scheduleOf(options))) log(line);
const outcome = await runChaos({ ...options, log });
log('');
for (const line of formatReport(outcome)) log(line);
const ok = passed(outcome);
log(
  `result: ${ok ? 'PASSED' : 'FAILED'} (every check green, the TCP flow without a missing segment or a reset)`,
);
process.exitCode = ok ? 0 : 1;
