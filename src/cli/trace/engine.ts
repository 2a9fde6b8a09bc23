/**
 * The `kovn trace` engine, shared by the command and the topology page: reads the pod (switch port, MAC,
 * addresses), its Subnet and the router port MAC, runs `ovn-trace` against the southbound database for that
 * microflow, and explains it (path, route and policy per router mapped back to the Vpc spec, next hop, verdict, and
 * why port security or an ACL dropped it). Where NB and SB are reached is a `TraceBackend`: the lab's sockets, or
 * remotes (`--ovn-nb-addr`, `--ovn-sb-addr`).
 */
import { join } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
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
import { processRunner, type RunResult } from '../../util/exec.ts';
import type { LabLayout } from '../../lab/layout.ts';
import { aclOfFlow, explainAclDrop, isAclStage } from './acl.ts';
import { explainPolicyDrop, policyOfOwner, policyPortGroupOf } from './network-policy.ts';
import { buildMicroflow, macHolding, MicroflowError } from './microflow.ts';
import { parseTrace } from './parse.ts';
import { explainPortSecurityDrop, isPortSecurityStage } from './port-security.ts';
import { renderRouter, renderSummary } from './render.ts';
import { summarizeTrace, type TraceSummary } from './summary.ts';

export type Nbctl = (...args: string[]) => Promise<string>;

/** Where the trace reads NB (through ovn-nbctl) and runs ovn-trace against SB. */
export interface TraceBackend {
  nbctl: Nbctl;
  ovnTrace(args: string[]): Promise<RunResult>;
}

export interface TraceInput {
  namespace: string;
  pod: string;
  /** An IP address. */
  dest: string;
  l4?: { proto: 'tcp' | 'udp'; port: number } | undefined;
  /** ovn-trace's own output instead of the explanation. */
  raw?: boolean;
}

export type TraceOutcome =
  | {
      ok: true;
      lines: string[];
      /** Absent for `raw`. */
      explained?: Explained;
      ips: string[];
    }
  /** `code` 2: the request cannot be traced as asked (usage); 1: something failed. */
  | { ok: false; code: 1 | 2; message: string };

/** A trace explained: all its lines, the summary, and each router's own lines (route, policy, next hop). */
export interface Explained {
  lines: string[];
  summary: TraceSummary;
  routers: { router: string; lines: string[] }[];
}

export async function runTrace(
  kc: KubeConfig,
  backend: TraceBackend,
  input: TraceInput,
): Promise<TraceOutcome> {
  const get = <T>(kind: string, name: string, ns?: string) =>
    kubeRequest<T>(kc, { method: 'GET', path: objectPath(kind, name, ns) }).catch(() => undefined);
  const { namespace, pod: name, dest, l4 } = input;
  const nbctl = backend.nbctl;
  const pod = await get<KubeObject>('Pod', name, namespace);
  const notes = pod?.metadata.annotations ?? {};
  const subnetName = notes[ANNOTATION_LOGICAL_SWITCH];
  const mac = notes[ANNOTATION_MAC_ADDRESS];
  const ips = (notes[ANNOTATION_IP_ADDRESS] ?? '').split(',').filter(Boolean);
  if (!pod || !subnetName || !mac || !ips.length)
    return {
      ok: false,
      code: 1,
      message: `pod ${namespace}/${name} ${pod ? 'has no address yet' : 'not found'}`,
    };
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
    const flow = buildMicroflow({
      lsp: portName(name, namespace),
      mac,
      ips,
      dest,
      dstMac: macHolding(addresses, dest) ?? routerMac.replace(/"/g, ''),
      l4,
    });
    const trace = await backend.ovnTrace([subnetName, flow]);
    if (trace.code !== 0) return { ok: false, code: 1, message: `ovn-trace failed: ${trace.stderr.trim()}` };
    if (input.raw) return { ok: true, lines: [trace.stdout.trimEnd()], ips };
    const head = `trace ${namespace}/${name} (${ips.join(', ')}) -> ${dest} ${l4 ? `${l4.proto} port ${l4.port}` : 'icmp echo'}`;
    const explained = await explainTrace(trace.stdout, { nbctl, get, source: ips[0] ?? '', dest });
    return { ok: true, lines: [head, ...explained.lines], explained, ips };
  } catch (err) {
    if (err instanceof MicroflowError) return { ok: false, code: 2, message: err.message };
    return { ok: false, code: 1, message: (err as Error).message };
  }
}

/** The lab's NB and SB, through their sockets. */
export function labBackend(layout: LabLayout): TraceBackend {
  return {
    nbctl: socketNbctl(`unix:${join(layout.centralDir, 'nb.sock')}`, layout.centralDir),
    ovnTrace: (args) =>
      processRunner.run('ovn-trace', [`--db=unix:${join(layout.centralDir, 'sb.sock')}`, ...args], {
        env: { OVS_RUNDIR: layout.centralDir },
      }),
  };
}

/** NB and SB at remotes (`tcp:H:P`, `ssl:H:P`, `unix:PATH`). */
export function remoteBackend(nbRemote: string, sbRemote: string): TraceBackend {
  return {
    nbctl: socketNbctl(nbRemote),
    ovnTrace: (args) => processRunner.run('ovn-trace', [`--db=${sbRemote}`, ...args]),
  };
}

interface DropLookups {
  nbctl: Nbctl;
  get: <T>(kind: string, name: string, ns?: string) => Promise<T | undefined>;
  source: string;
  dest: string;
}

/** The summary lines of an ovn-trace output: path, routers, verdict, and why port security or an ACL dropped it. */
async function explainTrace(output: string, l: DropLookups): Promise<Explained> {
  const tables = await routeTables(l.nbctl);
  const summary = summarizeTrace(parseTrace(output), (port) => tables.get(port) ?? '');
  const specs = new Map<string, Vpc['spec']>();
  for (const hop of summary.routers) specs.set(hop.router, (await l.get<Vpc>('Vpc', hop.router))?.spec);
  const lines = [
    ...renderSummary(summary, (router) => specs.get(router)),
    ...(await portSecurityLines(summary, l)),
    ...(await aclLines(summary, l)),
  ];
  const routers = summary.routers.map((hop) => ({
    router: hop.router,
    lines: renderRouter(hop, specs.get(hop.router)),
  }));
  return { lines, summary, routers };
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

/** `ovn-nbctl` against one NB remote: its trimmed output, or an error with its stderr. */
function socketNbctl(db: string, rundir?: string): Nbctl {
  return async (...args) => {
    const r = await processRunner.run(
      'ovn-nbctl',
      [`--db=${db}`, ...args],
      rundir ? { env: { OVS_RUNDIR: rundir } } : {},
    );
    if (r.code !== 0) throw new Error(`ovn-nbctl ${args.join(' ')}: ${r.stderr.trim()}`);
    return r.stdout.trim();
  };
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
