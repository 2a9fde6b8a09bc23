// Shared pieces of the dataplane tests: why a machine cannot run them, a random lab in a temp home, NB rows for a
// logical switch written with our OVSDB client, a pod (namespace + NIC) on a node, and probes for leftovers
// (namespaces, live pids, root-namespace links, files) of one lab.
import { existsSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Dataplane } from '../../../src/lab/dataplane/dataplane.ts';
import { labLayout, type LabLayout } from '../../../src/lab/layout.ts';
import { hostVethName } from '../../../src/node/pod-nic.ts';
import { createNetns } from '../../../src/lab/dataplane/netns.ts';
import { listNetns } from '../../../src/lab/dataplane/netns.ts';
import { isAlive, type ProcessIdentity } from '../../../src/lab/process/procfs.ts';
import { LinkHelper } from '../../../src/node/netlink/link-helper.ts';
import { plugNic } from '../../../src/node/nic.ts';
import { NodeOvsDb } from '../../../src/node/ovs-db.ts';
import type { PodNicSpec } from '../../../src/node/nic-types.ts';
import { insert, namedUuid, OvsdbClient, set } from '../../../src/ovsdb/index.ts';
import { check, processRunner } from '../../../src/util/exec.ts';

export const runner = processRunner;

export async function dataplaneSkipReason(): Promise<string | undefined> {
  if (process.getuid?.() !== 0) return 'needs root (network namespaces)';
  const bins = [
    'ip',
    'ethtool',
    'ping',
    'ovsdb-server',
    'ovsdb-tool',
    'ovs-vswitchd',
    'ovs-vsctl',
    'ovn-northd',
  ];
  for (const bin of [...bins, 'ovn-controller', 'ovn-sbctl', 'ovn-nbctl', 'ovn-appctl'])
    if ((await runner.run('sh', ['-c', `command -v ${bin}`])).code !== 0)
      return `needs ${bin} (apt-get install openvswitch-switch ovn-central ovn-host iproute2 ethtool iputils-ping)`;
  for (const f of ['/usr/share/openvswitch/vswitch.ovsschema', '/usr/share/ovn/ovn-nb.ovsschema'])
    if (!existsSync(f)) return `needs ${f}`;
  return undefined;
}

export function randomLab(): LabLayout {
  const home = mkdtempSync(join(tmpdir(), 'kovn-lab-'));
  return labLayout(home, `t${Math.random().toString(36).slice(2, 8)}`);
}

export interface PodPort {
  name: string;
  mac: string;
  ip: string;
}

/** One logical switch `ls` with the given ports (addresses and port_security "MAC IP"), in one transaction. */
export async function writeSwitch(nbRemote: string, ls: string, ports: PodPort[]): Promise<void> {
  const nb = await OvsdbClient.connect({ remotes: [nbRemote], database: 'OVN_Northbound' });
  try {
    const lsps = ports.map((p, i) =>
      insert(
        'Logical_Switch_Port',
        { name: p.name, addresses: set([`${p.mac} ${p.ip}`]), port_security: set([`${p.mac} ${p.ip}`]) },
        `lsp${i}`,
      ),
    );
    await nb.transact([
      ...lsps,
      insert('Logical_Switch', { name: ls, ports: set(ports.map((_, i) => namedUuid(`lsp${i}`))) }),
    ]);
  } finally {
    nb.close();
  }
}

/** Creates the pod's namespace (recorded in the lab ledger) and plugs its eth0 into `node`'s br-int. */
export async function addPod(
  dp: Dataplane,
  node: string,
  port: PodPort,
  prefixLen = 24,
): Promise<PodNicSpec> {
  const n = dp.nodes.get(node);
  if (!n) throw new Error(`no node ${node}`);
  const podNetns = dp.layout.podNetns('default', port.name);
  await createNetns(runner, dp.ledger, podNetns);
  const spec: PodNicSpec = {
    nodeNetns: n.netns,
    ovsRundir: n.ovsRundir,
    podNetns,
    hostIf: hostVethName('default', port.name),
    ifname: 'eth0',
    ifaceId: port.name,
    mac: port.mac,
    ips: [`${port.ip}/${prefixLen}`],
    gateways: [],
    mtu: 1400,
    externalIds: { pod_name: port.name, pod_namespace: 'default', ip: port.ip, vendor: 'kube-ovn' },
  };
  const ovs = await NodeOvsDb.open(n.ovsRundir);
  const links = new LinkHelper();
  try {
    await plugNic(links, ovs, spec);
  } finally {
    ovs.close();
    await links.close();
  }
  return spec;
}

/** Polls `ovn-nbctl lsp-get-up` until the port is bound and up. */
export async function waitPortUp(dp: Dataplane, port: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await runner.run('ovn-nbctl', [`--db=${dp.nbRemotes[0]}`, 'lsp-get-up', port]);
    if (r.stdout.trim() === 'up') return;
    if (Date.now() > deadline) throw new Error(`port ${port} not up after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** ping from a namespace; true if any reply came back. */
export async function ping(netns: string, dst: string, extra: string[] = []): Promise<boolean> {
  const r = await runner.run('ping', ['-c', '2', '-i', '0.3', '-W', '1', ...extra, dst], { netns });
  return r.code === 0;
}

/** Retries `ping` for a while (flows take a moment after a port comes up). */
export async function pingEventually(
  netns: string,
  dst: string,
  timeoutMs = 20_000,
  extra: string[] = [],
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) if (await ping(netns, dst, extra)) return true;
  return false;
}

/** Starts a TCP responder in `netns` (Node, our own binary), connects from `from`, returns what was received. */
export async function tcpExchange(server: string, from: string, ip: string, port = 8080): Promise<string> {
  const listener = await runner.spawn(
    process.execPath,
    ['-e', `require('net').createServer((s) => s.end('hello over tcp\\n')).listen(${port}, '${ip}')`],
    { netns: server },
  );
  try {
    const client = `const s = require('net').connect(${port}, '${ip}'); let d = '';
      s.on('data', (c) => (d += c)); s.on('end', () => { process.stdout.write(d); process.exit(0); });
      s.on('error', (e) => { console.error(e.message); process.exit(1); }); setTimeout(() => process.exit(2), 3000);`;
    for (let attempt = 0; attempt < 20; attempt++) {
      const r = await runner.run(process.execPath, ['-e', client], { netns: from });
      if (r.code === 0) return r.stdout;
      await new Promise((res) => setTimeout(res, 250));
    }
    return '';
  } finally {
    listener.kill('SIGKILL');
    await listener.exited;
  }
}

/** Leftovers of lab `layout`: its namespaces, live processes among `procs`, root links named in `links`, files. */
export async function leftovers(
  layout: LabLayout,
  procs: ProcessIdentity[],
  links: string[],
): Promise<{ namespaces: string[]; pids: number[]; links: string[]; files: string[] }> {
  const rootLinks = await check(runner, 'ip', ['-o', 'link', 'show']);
  const names = rootLinks.split('\n').map((l) => l.split(':')[1]?.trim().split('@')[0] ?? '');
  const files: string[] = [];
  const walk = (d: string): void => {
    if (!existsSync(d)) return;
    for (const e of readdirSync(d)) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else files.push(p);
    }
  };
  walk(layout.home);
  return {
    namespaces: (await listNetns(runner)).filter((n) => layout.owns(n)),
    pids: procs.filter(isAlive).map((p) => p.pid),
    links: names.filter((n) => links.includes(n)),
    files,
  };
}
