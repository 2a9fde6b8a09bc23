/**
 * `kovn trace NS/POD DEST [--tcp PORT|--udp PORT] [--raw]`: explains the path a packet from a lab pod to DEST takes
 * through OVN. It reads the pod (switch port, MAC, addresses), its Subnet and the router port MAC from the lab,
 * runs `ovn-trace` against the lab's southbound database for that microflow, and prints a short summary (path,
 * route and policy per router mapped back to the Vpc spec, next hop, verdict); `--raw` prints ovn-trace's output.
 */
import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import type { Subnet } from '../../api/kinds/subnet-schema.ts';
import type { Vpc } from '../../api/kinds/vpc.ts';
import type { KubeObject } from '../../api/types.ts';
import { kubeRequest } from '../../kube/request.ts';
import { objectPath } from '../../kube/resources.ts';
import { routerPortName } from '../../controller/nb/subnet.ts';
import { readConfig } from '../../lab/config.ts';
import { labHome, labLayout } from '../../lab/layout.ts';
import { processRunner } from '../../util/exec.ts';
import { buildMicroflow, macHolding, MicroflowError } from '../trace/microflow.ts';
import { parseTrace } from '../trace/parse.ts';
import { renderSummary } from '../trace/render.ts';
import { summarizeTrace } from '../trace/summary.ts';
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
  const home = labHome();
  const config = readConfig(home);
  if (!config) {
    io.err(`kovn trace: no kovn lab in ${home} (start one with \`kovn up\`)`);
    return 1;
  }
  const layout = labLayout(home, config.id);
  const kc = new KubeConfig();
  kc.loadFromFile(layout.kubeconfig);
  const get = <T>(kind: string, name: string, ns?: string) =>
    kubeRequest<T>(kc, { method: 'GET', path: objectPath(kind, name, ns) }).catch(() => undefined);
  const nbctl = async (...a: string[]) => {
    const r = await processRunner.run(
      'ovn-nbctl',
      [`--db=unix:${join(layout.centralDir, 'nb.sock')}`, ...a],
      {
        env: { OVS_RUNDIR: layout.centralDir },
      },
    );
    if (r.code !== 0) throw new Error(`ovn-nbctl ${a.join(' ')}: ${r.stderr.trim()}`);
    return r.stdout.trim();
  };

  const [namespace, name] = target.includes('/') ? target.split('/', 2) : ['default', target];
  const pod = await get<KubeObject>('Pod', name!, namespace);
  const notes = pod?.metadata.annotations ?? {};
  const subnetName = notes['ovn.kubernetes.io/logical_switch'];
  const mac = notes['ovn.kubernetes.io/mac_address'];
  const ips = (notes['ovn.kubernetes.io/ip_address'] ?? '').split(',').filter(Boolean);
  if (!pod || !subnetName || !mac || !ips.length) {
    io.err(`kovn trace: pod ${namespace}/${name} ${pod ? 'has no address yet' : 'not found'}`);
    return 1;
  }
  const subnet = await get<Subnet>('Subnet', subnetName);
  const vpcName = subnet?.spec?.vpc ?? '';
  try {
    const addresses = (
      await nbctl(
        '--data=bare',
        '--no-headings',
        '--columns=addresses',
        'find',
        'Logical_Switch_Port',
        `external_ids:ls=${subnetName}`,
      )
    ).split('\n');
    const routerMac = await nbctl('get', 'Logical_Router_Port', routerPortName(vpcName, subnetName), 'mac');
    const l4 = values.tcp
      ? ({ proto: 'tcp', port: Number(values.tcp) } as const)
      : values.udp
        ? ({ proto: 'udp', port: Number(values.udp) } as const)
        : undefined;
    const flow = buildMicroflow({
      lsp: `${name}.${namespace}`,
      mac,
      ips,
      dest,
      dstMac: macHolding(addresses, dest) ?? routerMac.replace(/"/g, ''),
      l4,
    });
    const trace = await processRunner.run(
      'ovn-trace',
      [`--db=unix:${join(layout.centralDir, 'sb.sock')}`, subnetName, flow],
      { env: { OVS_RUNDIR: layout.centralDir } },
    );
    if (trace.code !== 0) {
      io.err(`kovn trace: ovn-trace failed: ${trace.stderr.trim()}`);
      return 1;
    }
    if (values.raw) {
      io.out(trace.stdout.trimEnd());
      return 0;
    }
    const tables = await routeTables(nbctl);
    const summary = summarizeTrace(parseTrace(trace.stdout), (port) => tables.get(port) ?? '');
    const specs = new Map<string, Vpc['spec']>();
    for (const hop of summary.routers) specs.set(hop.router, (await get<Vpc>('Vpc', hop.router))?.spec);
    const what = l4 ? `${l4.proto} port ${l4.port}` : 'icmp echo';
    io.out(`trace ${namespace}/${name} (${ips.join(', ')}) -> ${dest} ${what}`);
    for (const line of renderSummary(summary, (router) => specs.get(router))) io.out(line);
    return 0;
  } catch (err) {
    if (err instanceof MicroflowError) {
      io.err(`kovn trace: ${err.message}`);
      return 2;
    }
    io.err(`kovn trace: ${(err as Error).message}`);
    return 1;
  }
}

/** Router port -> its `options:route_table`. */
async function routeTables(nbctl: (...a: string[]) => Promise<string>): Promise<Map<string, string>> {
  const out = await nbctl(
    '--format=csv',
    '--data=bare',
    '--no-headings',
    '--columns=name,options',
    'list',
    'Logical_Router_Port',
  );
  const tables = new Map<string, string>();
  for (const line of out.split('\n')) {
    const [port, options] = line.split(',', 2);
    const table = /(?:^|\s)route_table=(\S+)/.exec(options ?? '')?.[1];
    if (port && table) tables.set(port, table);
  }
  return tables;
}
