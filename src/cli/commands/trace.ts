/**
 * `kovn trace NS/POD DEST [--tcp PORT|--udp PORT] [--raw]`: explains the path a packet from a lab pod to DEST takes
 * through OVN. It reads the pod (switch port, MAC, addresses), its Subnet and the router port MAC from the lab,
 * runs `ovn-trace` against the lab's southbound database for that microflow, and prints a short summary (path,
 * route and policy per router mapped back to the Vpc spec, next hop, verdict); `--raw` prints ovn-trace's output.
 */
import { parseArgs } from 'node:util';
import { join } from 'node:path';
import {
  ANNOTATION_IP_ADDRESS,
  ANNOTATION_LOGICAL_SWITCH,
  ANNOTATION_MAC_ADDRESS,
  ANNOTATION_PORT_SECURITY,
} from '../../api/annotations.ts';
import { portName } from '../../api/constants.ts';
import type { Subnet } from '../../api/kinds/subnet-schema.ts';
import type { Vpc } from '../../api/kinds/vpc.ts';
import type { KubeObject } from '../../api/types.ts';
import { kubeRequest } from '../../kube/request.ts';
import { objectPath } from '../../kube/resources.ts';
import { routerPortName } from '../../controller/nb/subnet.ts';
import { processRunner } from '../../util/exec.ts';
import { aclOfFlow, explainAclDrop, isAclStage } from '../trace/acl.ts';
import { explainPolicyDrop, policyOfOwner, policyPortGroupOf } from '../trace/network-policy.ts';
import { buildMicroflow, macHolding, MicroflowError } from '../trace/microflow.ts';
import { parseTrace } from '../trace/parse.ts';
import { explainPortSecurityDrop, isPortSecurityStage } from '../trace/port-security.ts';
import { renderSummary } from '../trace/render.ts';
import { summarizeTrace, type TraceSummary } from '../trace/summary.ts';
import type { LabLayout } from '../../lab/layout.ts';
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
  const { layout, kubeConfig: kc } = lab;
  const get = <T>(kind: string, name: string, ns?: string) =>
    kubeRequest<T>(kc, { method: 'GET', path: objectPath(kind, name, ns) }).catch(() => undefined);
  const nbctl = labNbctl(layout);
  const { namespace, pod: name } = parsePodRef(target);
  const pod = await get<KubeObject>('Pod', name, namespace);
  const notes = pod?.metadata.annotations ?? {};
  const subnetName = notes[ANNOTATION_LOGICAL_SWITCH];
  const mac = notes[ANNOTATION_MAC_ADDRESS];
  const ips = (notes[ANNOTATION_IP_ADDRESS] ?? '').split(',').filter(Boolean);
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
    const l4 = l4Of(values);
    const flow = buildMicroflow({
      lsp: portName(name, namespace),
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
    const head = `trace ${namespace}/${name} (${ips.join(', ')}) -> ${dest} ${l4 ? `${l4.proto} port ${l4.port}` : 'icmp echo'}`;
    for (const line of [
      head,
      ...(await explainTrace(trace.stdout, { nbctl, get, source: ips[0] ?? '', dest })),
    ])
      io.out(line);
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

type Nbctl = (...args: string[]) => Promise<string>;

interface DropLookups {
  nbctl: Nbctl;
  get: <T>(kind: string, name: string, ns?: string) => Promise<T | undefined>;
  source: string;
  dest: string;
}

/** The summary lines of an ovn-trace output: path, routers, verdict, and why port security or an ACL dropped it. */
async function explainTrace(output: string, l: DropLookups): Promise<string[]> {
  const tables = await routeTables(l.nbctl);
  const summary = summarizeTrace(parseTrace(output), (port) => tables.get(port) ?? '');
  const specs = new Map<string, Vpc['spec']>();
  for (const hop of summary.routers) specs.set(hop.router, (await l.get<Vpc>('Vpc', hop.router))?.spec);
  return [
    ...renderSummary(summary, (router) => specs.get(router)),
    ...(await portSecurityLines(summary, l)),
    ...(await aclLines(summary, l)),
  ];
}

/** When an ACL dropped the packet: which ACL, the Subnet field or NetworkPolicy it came from, what to change. */
async function aclLines(summary: TraceSummary, l: DropLookups): Promise<string[]> {
  const v = summary.verdict;
  if (v.kind !== 'drop' || !isAclStage(v.stage)) return [];
  const hit = aclOfFlow(v.stage, v.match, v.priority);
  const group = policyPortGroupOf(hit);
  if (group) {
    const owner = await l
      .nbctl('get', 'Port_Group', group.portGroup, 'external_ids:kovn-owner')
      .catch(() => undefined);
    return explainPolicyDrop(
      hit,
      v.datapath,
      group.portGroup,
      policyOfOwner(owner?.trim().replace(/^"|"$/g, '')),
    );
  }
  const subnet = await l.get<Subnet>('Subnet', v.datapath);
  return explainAclDrop(hit, v.datapath, subnet, {
    source: l.source,
    dest: l.dest,
  });
}

/** When port security dropped the packet: which pod, why, and what to change (ADR 22); else nothing. */
async function portSecurityLines(summary: TraceSummary, l: DropLookups): Promise<string[]> {
  const v = summary.verdict;
  if (v.kind !== 'drop' || !v.port || !isPortSecurityStage(v.stage)) return [];
  const column = (name: string) =>
    l.nbctl(
      '--data=bare',
      '--no-headings',
      `--columns=${name}`,
      'find',
      'Logical_Switch_Port',
      `name=${v.port}`,
    );
  const podRef = /(?:^|\s)pod=(\S+)/.exec(await column('external_ids'))?.[1];
  const portSecurity = (await column('port_security')).split('\n').filter(Boolean);
  const [ns, name] = podRef?.split('/') ?? [];
  const pod = ns && name ? await l.get<KubeObject>('Pod', name, ns) : undefined;
  const notes = pod?.metadata.annotations ?? {};
  const subnet = notes[ANNOTATION_LOGICAL_SWITCH];
  const vpc = subnet ? (await l.get<Subnet>('Subnet', subnet))?.spec?.vpc : undefined;
  const sends = v.direction === 'ingress';
  return explainPortSecurityDrop(
    {
      port: v.port,
      pod: podRef,
      portSecurity,
      asked: notes[ANNOTATION_PORT_SECURITY],
      vpc,
      ips: (notes[ANNOTATION_IP_ADDRESS] ?? '').split(',').filter(Boolean),
    },
    sends,
    sends ? l.source : l.dest,
  );
}

/** `ovn-nbctl` against the lab's northbound database: its trimmed output, or an error with its stderr. */
function labNbctl(layout: LabLayout): Nbctl {
  return async (...args) => {
    const r = await processRunner.run(
      'ovn-nbctl',
      [`--db=unix:${join(layout.centralDir, 'nb.sock')}`, ...args],
      {
        env: { OVS_RUNDIR: layout.centralDir },
      },
    );
    if (r.code !== 0) throw new Error(`ovn-nbctl ${args.join(' ')}: ${r.stderr.trim()}`);
    return r.stdout.trim();
  };
}

/** The L4 part of the microflow: `--tcp PORT` or `--udp PORT`, else none (an ICMP echo). */
function l4Of(flags: { tcp?: string | undefined; udp?: string | undefined }) {
  if (flags.tcp) return { proto: 'tcp', port: Number(flags.tcp) } as const;
  if (flags.udp) return { proto: 'udp', port: Number(flags.udp) } as const;
  return undefined;
}

/** Router port -> its `options:route_table`. */
async function routeTables(nbctl: Nbctl): Promise<Map<string, string>> {
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
