/**
 * `kovn trace NS/POD DEST [--tcp PORT|--udp PORT] [--raw]`: explains the path a packet from a lab pod to DEST takes
 * through OVN (the engine is cli/trace/engine.ts, shared with the topology page): path, route and policy per router
 * mapped back to the Vpc spec, next hop, verdict; `--raw` prints ovn-trace's output.
 */
import { parseArgs } from 'node:util';
import { labBackend, runTrace } from '../trace/engine.ts';
import { openLab, parsePodRef } from './lab-pod.ts';
import type { CommandIo } from './validate.ts';

export const TRACE_USAGE = 'usage: kovn trace NAMESPACE/POD DEST [--tcp PORT | --udp PORT] [--raw]';

export async function traceCommand(args: string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { tcp: { type: 'string' }, udp: { type: 'string' }, raw: { type: 'boolean' } },
  });
  const [target, dest] = positionals;
  if (!target || !dest || positionals.length !== 2 || (values.tcp && values.udp)) {
    io.err(TRACE_USAGE);
    return 2;
  }
  const lab = openLab('trace', io);
  if (!lab) return 1;
  const outcome = await runTrace(lab.kubeConfig, labBackend(lab.layout), {
    ...parsePodRef(target),
    dest,
    l4: l4Of(values),
    raw: values.raw ?? false,
  });
  if (!outcome.ok) {
    io.err(`kovn trace: ${outcome.message}`);
    return outcome.code;
  }
  for (const line of outcome.lines) io.out(line);
  return 0;
}

/** The L4 part of the microflow: `--tcp PORT` or `--udp PORT`, else none (an ICMP echo). */
function l4Of(flags: { tcp?: string | undefined; udp?: string | undefined }) {
  if (flags.tcp) return { proto: 'tcp', port: Number(flags.tcp) } as const;
  if (flags.udp) return { proto: 'udp', port: Number(flags.udp) } as const;
  return undefined;
}
