// Harness for the reconcile integration tests: real NB + SB ovsdb-server and ovn-northd in a temp dir, a network
// controller over in-memory informers (the Kubernetes objects) with a MemoryObjectWriter, and helpers to read NB.
import { pino } from 'pino';
import type { KubeObject } from '../../../src/api/types.ts';
import { InMemoryInformer } from '../../support/informer-memory.ts';
import { NetworkController } from '../../../src/controller/reconcilers/controller.ts';
import { NETWORK_KINDS } from '../../../src/controller/reconcilers/registry.ts';
import { MemoryObjectWriter } from '../../support/writer-memory.ts';
import { seededRandom } from '../../../src/ipam/index.ts';
import { startCentral, type Central } from '../../../src/ovn/central.ts';
import { ovsEnv } from '../../../src/ovn/daemons.ts';
import type { OvnNbTables } from '../../../src/ovsdb/generated/ovn-nb.ts';
import { OvsdbClient } from '../../../src/ovsdb/index.ts';
import { systemClock } from '../../../src/util/clock.ts';
import { check, processRunner } from '../../../src/util/exec.ts';
import { tempDir } from '../../support/ovsdb-server.ts';

/** The n-th creation time of a harness run: one second apart, as RFC 3339 text that sorts in order. */
const createdAt = (n: number): string =>
  new Date(Date.UTC(2026, 0, 1) + n * 1000).toISOString().replace('.000Z', 'Z');

export interface Ovn {
  central: Central;
  dir: string;
  nbUnix: string;
  /** Runs `ovn-nbctl` against this NB (rows made by hand carry no owner tag). */
  nbctl(...args: string[]): Promise<string>;
  cleanup(): Promise<void>;
}

export async function startOvn(): Promise<Ovn> {
  const tmp = tempDir('kovn-reconcile-');
  let central: Central;
  try {
    central = await startCentral({ dir: tmp.dir, northd: true });
  } catch (err) {
    tmp.remove();
    throw err;
  }
  const nbUnix = central.nbRemotes[0]!;
  return {
    central,
    dir: tmp.dir,
    nbUnix,
    nbctl: (...args) =>
      check(processRunner, 'ovn-nbctl', [`--db=${nbUnix}`, ...args], { env: ovsEnv(tmp.dir) }),
    cleanup: async () => {
      await central.stop();
      tmp.remove();
    },
  };
}

export interface Running {
  controller: NetworkController;
  client: OvsdbClient<OvnNbTables>;
  writer: MemoryObjectWriter;
  informers: Map<string, InMemoryInformer>;
  get(kind: string, name: string, namespace?: string): KubeObject | undefined;
  set(obj: KubeObject): void;
  /** Deletes as the API server does (finalizers hold the object with a deletionTimestamp). */
  delete(kind: string, name: string, namespace?: string): void;
  /** Every Kubernetes object, as a later controller would list them. */
  objects(): KubeObject[];
  stop(): Promise<void>;
}

export async function startController(
  ovn: Ovn,
  objects: readonly KubeObject[],
  seed = 1,
  options: { concurrency?: number; nonPrimaryCni?: boolean } = {},
): Promise<Running> {
  const informers = new Map(
    NETWORK_KINDS.map((kind) => [
      kind as string,
      new InMemoryInformer({ kind, objects: objects.filter((o) => o.kind === kind) }),
    ]),
  );
  const client = await OvsdbClient.connect<OvnNbTables>({
    remotes: [ovn.nbUnix],
    database: 'OVN_Northbound',
  });
  const writer = new MemoryObjectWriter(informers.values(), systemClock);
  const controller = new NetworkController({
    informers: informers.values(),
    nb: client,
    writer,
    random: seededRandom(seed),
    backoff: { baseMs: 50, maxMs: 500 },
    ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
    ...(options.nonPrimaryCni ? { nonPrimaryCni: true } : {}),
    logger: pino({ level: process.env['KOVN_TEST_LOG'] ?? 'silent' }),
  });
  await controller.start();
  const informer = (kind: string) => informers.get(kind)!;
  let edits = 0;
  return {
    controller,
    client,
    writer,
    informers,
    get: (kind, name, namespace) => informer(kind).get(name, namespace),
    set: (obj) => {
      // As the API server does: a new object is stamped with its creation time (kept on updates), so "which came
      // first" (overlapping subnets, NAT rules) follows the order of creation and not the names.
      const stored = informer(obj.kind).get(obj.metadata.name ?? '', obj.metadata.namespace);
      const creationTimestamp =
        obj.metadata.creationTimestamp ?? stored?.metadata.creationTimestamp ?? createdAt(++edits);
      informer(obj.kind).set({
        ...obj,
        metadata: { ...obj.metadata, creationTimestamp, resourceVersion: `t${++edits}` },
      });
    },
    delete: (kind, name, namespace) =>
      writer.delete(namespace === undefined ? { kind, name } : { kind, name, namespace }),
    objects: () => [...informers.values()].flatMap((i) => i.list()),
    stop: async () => {
      await controller.stop();
      client.close();
    },
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Retries `fn` (an assertion) until it passes or `timeoutMs` elapses, then rethrows its last error. */
export async function eventually<T>(fn: () => T | Promise<T>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await sleep(50);
    }
  }
}

/** Waits until the controller has nothing queued or running (keys waiting for a later retry do not count). */
export async function settled(running: Running, quietMs = 300): Promise<void> {
  let quietSince = Date.now();
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const m = running.controller.manager.metrics();
    if (m.depth > 0 || m.inFlight > 0) quietSince = Date.now();
    else if (Date.now() - quietSince >= quietMs) return;
    await sleep(20);
  }
  throw new Error('controller did not settle within 20 s');
}

type Rows<K extends keyof OvnNbTables> = OvnNbTables[K][];

export function rows<K extends keyof OvnNbTables>(client: OvsdbClient<OvnNbTables>, table: K): Rows<K> {
  return client.cache.table(table).rows();
}

export function byName<
  K extends 'Logical_Router' | 'Logical_Switch' | 'Logical_Router_Port' | 'Logical_Switch_Port',
>(client: OvsdbClient<OvnNbTables>, table: K, name: string): OvnNbTables[K] | undefined {
  return rows(client, table).find((r) => r.name === name);
}

// --- object builders and the seed scenario ---

export const ns = (name: string): KubeObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
export const pod = (
  name: string,
  namespace: string,
  annotations: Record<string, string> = {},
): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace, annotations },
  spec: { containers: [{ name: 'main', image: 'busybox' }] },
});
export const kubeovn = (kind: string, name: string, spec: Record<string, unknown>): KubeObject => ({
  apiVersion: 'kubeovn.io/v1',
  kind,
  metadata: { name },
  spec,
});
export const vpc = (name: string, spec: Record<string, unknown>) => kubeovn('Vpc', name, spec);
export const subnet = (name: string, spec: Record<string, unknown>) => kubeovn('Subnet', name, spec);

/** The Config VPC seed (test/integration/apiserver/fixtures/seed-vpc.yaml) plus its namespaces and pods. */
export const seed = (): KubeObject[] => [
  ns('ns1'),
  ns('ns2'),
  ns('default'),
  vpc('test-vpc-1', {
    namespaces: ['ns1'],
    staticRoutes: [
      { cidr: '0.0.0.0/0', nextHopIP: '10.0.1.254', policy: 'policyDst' },
      { cidr: '172.31.0.0/24', nextHopIP: '10.0.1.253', policy: 'policySrc', routeTable: 'rtb1' },
    ],
  }),
  vpc('test-vpc-2', { namespaces: ['ns2'] }),
  subnet('net1', { vpc: 'test-vpc-1', cidrBlock: '10.0.1.0/24', protocol: 'IPv4', namespaces: ['ns1'] }),
  subnet('net2', { vpc: 'test-vpc-2', cidrBlock: '10.0.1.0/24', protocol: 'IPv4', namespaces: ['ns2'] }),
  pod('vpc1-pod', 'ns1'),
  pod('vpc2-pod', 'ns2'),
];

/** The two ConfigMaps a NAT gateway needs (its image, the gateway feature on), as the seed's 00-nat-configmaps. */
export const natGatewayConfigMaps = (): KubeObject[] => [
  {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'ovn-vpc-nat-config', namespace: 'kube-system' },
    data: { image: 'img' },
  },
  {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'ovn-vpc-nat-gw-config', namespace: 'kube-system' },
    data: { 'enable-vpc-nat-gw': 'true' },
  },
];

/** The seed's external network Subnet (192.168.0.0/24, the first ten addresses excluded). */
export const externalNetwork = (): KubeObject =>
  kubeovn('Subnet', 'ovn-vpc-external-network', {
    protocol: 'IPv4',
    provider: 'ovn-vpc-external-network.kube-system',
    cidrBlock: '192.168.0.0/24',
    gateway: '192.168.0.1',
    excludeIps: ['192.168.0.1..192.168.0.10'],
  });
