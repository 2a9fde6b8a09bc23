/**
 * A NAT gateway's desired dataplane, computed from the API objects alone (pure): the EIPs to hold on the external
 * interface, the FIP/DNAT/SNAT rules to program, the routes (default via the external Subnet's gateway out of
 * `net1`, the VPC's other subnets via the LAN gateway out of `eth0`), and, per rule, why it cannot be applied when
 * that is decided without the kernel: its EIP has no address yet (the rule is simply not tried: no entry), or it
 * clashes with an earlier rule (Kube-OVN's identities: one FIP per EIP and nothing else beside it; a DNAT identity
 * (eip, protocol, externalPort) to one target). Earlier = older `creationTimestamp`, then name, so the first holder
 * keeps its rule and a later one is refused, whatever order the objects arrive in.
 */
import type { IptablesEip } from '../api/kinds/iptables-eip.ts';
import type { Dnat, Fip, Snat } from '../api/kinds/nat-rules.ts';
import type { Subnet } from '../api/kinds/subnet-schema.ts';
import type { VpcNatGateway } from '../api/kinds/vpc-nat-gateway.ts';
import { parseCidrOrIp, parseIp } from '../net/ip.ts';
import { dnatRule, fipRule, snatRule } from './rule-values.ts';
import type { NatRule, RuleId } from './rules.ts';

export const DEFAULT_EXTERNAL_SUBNET = 'ovn-vpc-external-network';

export interface GatewayInputs {
  gateway: VpcNatGateway;
  subnets: readonly Subnet[];
  eips: readonly IptablesEip[];
  dnats: readonly Dnat[];
  snats: readonly Snat[];
  fips: readonly Fip[];
}

export interface GatewayDesired {
  vpcIf: string;
  extIf: string;
  /** EIP addresses with the external subnet's prefix length, e.g. `192.168.0.11/24`. */
  addresses: string[];
  externalGateway?: string;
  /** Other subnets of the VPC, reached through the LAN subnet's gateway. */
  routes: { dst: string; via: string; dev: string }[];
  rules: NatRule[];
  /** Rules refused before reaching the kernel, with the reason. */
  refused: Map<RuleId, string>;
}

type Obj = { metadata: { name?: string; creationTimestamp?: string; deletionTimestamp?: string } };
const nameOf = (o: Obj): string => o.metadata.name ?? '';
const older = (a: Obj, b: Obj): number =>
  (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? '') ||
  nameOf(a).localeCompare(nameOf(b));
const live = <T extends Obj>(list: readonly T[]): T[] =>
  list.filter((o) => !o.metadata.deletionTimestamp).sort(older);
const prefixOf = (cidr: string | undefined): number | undefined => parseCidrOrIp(cidr ?? '')?.prefix;

export function desiredGateway(inp: GatewayInputs): GatewayDesired {
  const gw = nameOf(inp.gateway);
  const subnet = (name: string) => inp.subnets.find((s) => s.metadata.name === name);
  const extName = inp.gateway.spec?.externalSubnets?.[0] || DEFAULT_EXTERNAL_SUBNET;
  const ext = subnet(extName);
  const lan = subnet(inp.gateway.spec?.subnet ?? '');
  const refused = new Map<RuleId, string>();
  const rules: NatRule[] = [];

  const eipIps = new Map<string, string>();
  for (const eip of live(inp.eips)) {
    if (eip.spec?.natGwDp !== gw || !eip.status?.ip) continue;
    const id: RuleId = `eip/${nameOf(eip)}`;
    const extPrefix = prefixOf(subnet(eip.spec.externalSubnet || DEFAULT_EXTERNAL_SUBNET)?.spec?.cidrBlock);
    if (parseIp(eip.status.ip)?.family !== 4 || extPrefix === undefined) {
      refused.set(id, `address ${eip.status.ip} is not an IPv4 address of a known external subnet`);
      continue;
    }
    eipIps.set(nameOf(eip), eip.status.ip);
    rules.push({ kind: 'eip', name: nameOf(eip), eip: eip.status.ip, prefix: extPrefix });
  }

  const users = new Map<string, string>(); // eip name -> first rule id using it
  const fipHolders = new Map<string, string>(); // eip name -> fip rule id
  const dnatTargets = new Map<string, { id: string; target: string }>();
  type Entry = { id: RuleId; obj: Obj & { spec?: { eip?: string } }; make: (ip: string) => NatRule | string };
  const entries: Entry[] = [
    ...live(inp.fips).map((f): Entry => ({ id: `fip/${nameOf(f)}`, obj: f, make: (ip) => fipRule(f, ip) })),
    ...live(inp.dnats).map((d): Entry => ({
      id: `dnat/${nameOf(d)}`,
      obj: d,
      make: (ip) => dnatRule(d, ip),
    })),
    ...live(inp.snats).map((s): Entry => ({
      id: `snat/${nameOf(s)}`,
      obj: s,
      make: (ip) => snatRule(s, ip),
    })),
  ].sort((a, b) => older(a.obj, b.obj));
  for (const { id, obj, make } of entries) {
    const eipName = obj.spec?.eip ?? '';
    const ip = eipIps.get(eipName);
    if (ip === undefined) continue; // not ours, or its EIP has no address yet: not tried
    const rule = make(ip);
    if (typeof rule === 'string') {
      refused.set(id, rule);
      continue;
    }
    const holder = fipHolders.get(eipName);
    if (holder) {
      refused.set(id, `eip ${eipName} is used by floating IP ${holder.slice(4)}, which needs it alone`);
      continue;
    }
    if (rule.kind === 'fip' && users.has(eipName)) {
      refused.set(id, `a floating IP needs its eip alone; eip ${eipName} is used by ${users.get(eipName)}`);
      continue;
    }
    if (rule.kind === 'dnat') {
      const identity = `${eipName}/${rule.protocol}/${rule.externalPort}`;
      const target = `${rule.internalIp}:${rule.internalPort}`;
      const taken = dnatTargets.get(identity);
      if (taken && taken.target !== target) {
        refused.set(
          id,
          `eip ${eipName} ${rule.protocol} port ${rule.externalPort} already goes to ${taken.target} (${taken.id})`,
        );
        continue;
      }
      dnatTargets.set(identity, { id, target });
    }
    if (rule.kind === 'fip') fipHolders.set(eipName, id);
    if (!users.has(eipName)) users.set(eipName, id);
    rules.push(rule);
  }

  const lanGateway = lan?.spec?.gateway ?? '';
  const vpc = inp.gateway.spec?.vpc ?? '';
  const routes = inp.subnets
    .filter(
      (s) => s.spec?.vpc === vpc && s.metadata.name !== lan?.metadata.name && !s.metadata.deletionTimestamp,
    )
    .flatMap((s) => (s.spec?.cidrBlock ?? '').split(',').filter((c) => parseCidrOrIp(c)?.family === 4))
    .sort()
    .map((dst) => ({ dst, via: lanGateway, dev: 'eth0' }));
  return {
    vpcIf: 'eth0',
    extIf: 'net1',
    addresses: rules.flatMap((r) => (r.kind === 'eip' ? [`${r.eip}/${r.prefix}`] : [])),
    ...(ext?.spec?.gateway ? { externalGateway: ext.spec.gateway } : {}),
    routes: lanGateway ? routes : [],
    rules,
    refused,
  };
}
