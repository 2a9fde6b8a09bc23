/**
 * The chaos run's NB check (pure): the rows carrying kovn's owner tag (src/controller/nb/owner.ts) against the rows
 * the controller's own desired-state code (src/controller/nb/{vpc,subnet,pod,node,node-gateway}.ts) wants for the objects read
 * back from the API. Rows are matched by (table, owner, identity) with the controller's `identityOf`; a desired row
 * absent is missing, one present with other column values (the controller's `changedColumns`) or under another
 * parent differs, an owned row nobody wants is stale. Load_Balancer rows (the Service side) are checked only for
 * their owner's existence: their desired state needs the endpoints, which this check does not rebuild.
 */
import { ANNOTATION_LOGICAL_SWITCH } from '../../src/api/annotations.ts';
import { isOvnProvider } from '../../src/api/constants.ts';
import type { Subnet } from '../../src/api/kinds/subnet-schema.ts';
import type { Vpc } from '../../src/api/kinds/vpc.ts';
import type { VpcNatGateway } from '../../src/api/kinds/vpc-nat-gateway.ts';
import type { ClusterView, KubeObject } from '../../src/api/types.ts';
import { changedColumns } from '../../src/controller/nb/compare.ts';
import {
  OWNED_TABLES,
  PARENT_OF,
  identityOf,
  type DesiredRow,
  type OwnedTable,
} from '../../src/controller/nb/model.ts';
import { desiredNode } from '../../src/controller/nb/node.ts';
import { desiredNodeGateway } from '../../src/controller/nb/node-gateway.ts';
import { nodeOwner, ownerOfRow, ownerRef, OWNER_KEY } from '../../src/controller/nb/owner.ts';
import { desiredPod } from '../../src/controller/nb/pod.ts';
import { desiredSubnet, routerPortName } from '../../src/controller/nb/subnet.ts';
import { desiredSubnetAcls } from '../../src/controller/nb/subnet-acls.ts';
import { desiredVpc } from '../../src/controller/nb/vpc.ts';
import {
  gatewayNextHops,
  portSecurityOf,
  routeNextHops,
} from '../../src/controller/reconcilers/next-hops.ts';
import { defaultVpcGatewayRoutes, nodeGatewayWorld } from '../../src/controller/reconcilers/node-gateway.ts';
import { commaList } from '../../src/util/comma-list.ts';
import { podNics } from './check-ips.ts';

export type NbRow = { readonly _uuid: string } & Readonly<Record<string, unknown>>;
export type NbTables = Readonly<Record<OwnedTable, readonly NbRow[]>>;

export interface NbInputs {
  vpcs: readonly Vpc[];
  subnets: readonly Subnet[];
  pods: readonly KubeObject[];
  nodes: readonly KubeObject[];
  services: readonly KubeObject[];
  gateways: readonly VpcNatGateway[];
  nb: NbTables;
  clusterRouter: string;
  joinSubnet: string;
}

export interface NbFindings {
  ownedRows: number;
  desiredRows: number;
  missing: string[];
  differing: string[];
  stale: string[];
}

/** The desired rows of every object, by owner tag (those of a subnet need its router port's MAC from NB). */
export function desiredRows(inp: Omit<NbInputs, 'services'>): Map<string, DesiredRow[]> {
  const out = new Map<string, DesiredRow[]>();
  const add = (rows: DesiredRow[]) => {
    for (const row of rows) {
      const owner = ownerOfRow(row.columns) ?? '';
      out.set(owner, [...(out.get(owner) ?? []), row]);
    }
  };
  const view = listView({ Subnet: inp.subnets, Pod: inp.pods, Node: inp.nodes });
  const network = { clusterRouter: inp.clusterRouter, nodeSwitch: inp.joinSubnet };
  for (const vpc of inp.vpcs) {
    add(desiredVpc(vpc));
    add(defaultVpcGatewayRoutes(view, network, vpc.metadata.name ?? ''));
  }
  const ovnSubnets = new Map<string, string>();
  // the join subnet's block is the controller's --node-switch-cidr (the private subnets' node allow ACLs)
  const joinCidr = inp.subnets.find((s) => s.metadata.name === inp.joinSubnet)?.spec?.cidrBlock ?? '';
  for (const subnet of inp.subnets) {
    if (!isOvnProvider(subnet.spec?.provider)) continue;
    const name = subnet.metadata.name ?? '';
    ovnSubnets.set(name, subnet.spec?.vpc ?? inp.clusterRouter);
    const lrp = routerPortName(subnet.spec?.vpc ?? inp.clusterRouter, name);
    const mac = inp.nb.Logical_Router_Port.find((r) => r['name'] === lrp)?.['mac'];
    add(desiredSubnet({ subnet, routerMac: typeof mac === 'string' ? mac : '?' }));
    add(desiredSubnetAcls(subnet, joinCidr));
  }
  for (const pod of inp.pods) {
    if ((pod['spec'] as { hostNetwork?: boolean } | undefined)?.hostNetwork) continue;
    const ann = pod.metadata.annotations ?? {};
    const nic = podNics(pod).find((n) => n.provider === 'ovn');
    const subnet = ann[ANNOTATION_LOGICAL_SWITCH] ?? '';
    const vpc = ovnSubnets.get(subnet);
    if (!nic || vpc === undefined) continue;
    const ips = nic.address.split(',').map((a) => a.trim());
    const hops = routeNextHops(inp.vpcs.find((v) => v.metadata.name === vpc));
    for (const hop of gatewayNextHops(vpc, inp.gateways)) hops.add(hop);
    add(
      desiredPod({
        namespace: pod.metadata.namespace ?? '',
        name: pod.metadata.name ?? '',
        subnet,
        mac: ann['ovn.kubernetes.io/mac_address'] ?? '',
        ips,
        portSecurity: portSecurityOf(pod, ips, hops),
      }),
    );
  }
  for (const node of inp.nodes) {
    const ann = node.metadata.annotations ?? {};
    const ips = ann['ovn.kubernetes.io/ip_address'];
    if (!ips) continue;
    const name = node.metadata.name ?? '';
    add(
      desiredNode({
        node: name,
        subnet: inp.joinSubnet,
        mac: ann['ovn.kubernetes.io/mac_address'] ?? '',
        ips: commaList(ips),
      }),
    );
    add(
      desiredNodeGateway({
        node: name,
        router: inp.clusterRouter,
        owner: nodeOwner(name),
        joinIps: commaList(ips),
        ...nodeGatewayWorld(view, network, node),
      }),
    );
  }
  return out;
}

/** A read-only view over the objects read back from the API. */
function listView(objects: Record<string, readonly KubeObject[]>): ClusterView {
  const list = (kind: string, namespace?: string) =>
    (objects[kind] ?? []).filter((o) => namespace === undefined || o.metadata.namespace === namespace);
  return {
    list,
    get: (kind, name, namespace) => list(kind, namespace).find((o) => o.metadata.name === name),
  };
}

/** Each non-root row's parent, as `<table>/<name>`, from the parents' set columns. */
function parentsOf(nb: NbTables): Map<string, string> {
  const out = new Map<string, string>();
  for (const [child, { table, column }] of Object.entries(PARENT_OF)) {
    void child;
    for (const parent of nb[table]) {
      const refs = parent[column];
      for (const uuid of Array.isArray(refs) ? refs : refs ? [refs] : [])
        out.set(String(uuid), `${table}/${String(parent['name'])}`);
    }
  }
  return out;
}

export function checkNb(inp: NbInputs): NbFindings {
  const desired = desiredRows(inp);
  const parents = parentsOf(inp.nb);
  const serviceKeys = new Set(inp.services.map((s) => `${s.metadata.namespace}/${s.metadata.name}`));
  const out: NbFindings = { ownedRows: 0, desiredRows: 0, missing: [], differing: [], stale: [] };
  const key = (table: string, owner: string, id: string) => `${table}\u0000${owner}\u0000${id}`;
  const have = new Map<string, NbRow>();
  for (const table of OWNED_TABLES) {
    for (const row of inp.nb[table]) {
      const owner = ownerOfRow(row);
      if (!owner) continue;
      out.ownedRows++;
      if (table === 'Load_Balancer') {
        const ref = ownerRef(owner);
        if (ref?.kind !== 'Service' || !serviceKeys.has(`${ref.namespace}/${ref.name}`))
          out.stale.push(`${table} ${String(row['name'])} (${OWNER_KEY}=${owner}): its owner is gone`);
        continue;
      }
      have.set(key(table, owner, identityOf(table, row)), row);
    }
  }
  const wanted = new Set<string>();
  for (const [owner, rows] of desired) {
    for (const row of rows) {
      out.desiredRows++;
      const id = identityOf(row.table, row.columns);
      const k = key(row.table, owner, id);
      wanted.add(k);
      const current = have.get(k);
      if (!current) {
        out.missing.push(`${row.table} ${id} of ${owner}`);
        continue;
      }
      const changed = Object.keys(changedColumns(row.columns, current));
      const parent = row.parent && `${row.parent.table}/${row.parent.name}`;
      if (changed.length) out.differing.push(`${row.table} ${id} of ${owner}: ${changed.join(', ')} differ`);
      else if (parent && parents.get(current._uuid) !== parent)
        out.differing.push(
          `${row.table} ${id} of ${owner}: under ${parents.get(current._uuid) ?? 'no parent'}, not ${parent}`,
        );
    }
  }
  for (const [k, row] of have) {
    if (wanted.has(k)) continue;
    const [table, owner, id] = k.split('\u0000');
    out.stale.push(`${table} ${id} (${OWNER_KEY}=${owner})${row['name'] ? '' : ` uuid ${row._uuid}`}`);
  }
  return out;
}
