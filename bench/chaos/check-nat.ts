/**
 * The chaos run's NAT checks (pure): every EIP and DNAT/SNAT/FIP rule ready (status.ready, and an EIP with its
 * address), and, per gateway, the rules in its network namespace (`iptables-save -t nat` and `-t mangle`, read by
 * the caller) equal to what the gateway agent's own pure code wants for the rule objects read back from the API
 * (src/natgw/desired.ts `desiredGateway`, rendered by src/natgw/iptables-rules.ts `renderRuleSet` and compared in its
 * `canonicalRuleSet` form): a wanted rule line absent is lost, a line not wanted is extra; a rule the desired state
 * refuses (bad values, a clash) is reported too, since the storm writes none.
 */
import type { IptablesEip } from '../../src/api/kinds/iptables-eip.ts';
import type { Dnat, Fip, Snat } from '../../src/api/kinds/nat-rules.ts';
import type { Subnet } from '../../src/api/kinds/subnet-schema.ts';
import type { VpcNatGateway } from '../../src/api/kinds/vpc-nat-gateway.ts';
import type { KubeObject } from '../../src/api/types.ts';
import { desiredGateway } from '../../src/natgw/desired.ts';
import { canonicalRuleSet, renderRuleSet } from '../../src/natgw/iptables-rules.ts';

export interface NatInputs {
  gateways: readonly VpcNatGateway[];
  subnets: readonly Subnet[];
  eips: readonly IptablesEip[];
  dnats: readonly Dnat[];
  snats: readonly Snat[];
  fips: readonly Fip[];
}

export interface NatFindings {
  objects: number;
  notReady: string[];
  rules: number;
  lost: string[];
  extra: string[];
  refused: string[];
}

const ready = (o: KubeObject): boolean => (o['status'] as { ready?: boolean } | undefined)?.ready === true;

/** The rule lines (`-A ...`) of a canonical rule set, per table: `nat -A SHARED_DNAT ...`. */
function ruleLines(canonical: string): string[] {
  let table = '';
  const out: string[] = [];
  for (const line of canonical.split('\n')) {
    if (line.startsWith('*')) table = line.slice(1);
    else if (line.startsWith('-A ')) out.push(`${table} ${line}`);
  }
  return out;
}

/** The wanted iptables-restore document of one gateway. */
export function wantedRules(gateway: VpcNatGateway, inp: NatInputs): { text: string; refused: string[] } {
  const d = desiredGateway({ gateway, ...inp });
  return {
    text: renderRuleSet(d.rules, d),
    refused: [...d.refused].map(([id, why]) => `${gateway.metadata.name} ${id}: ${why}`),
  };
}

export function checkNat(inp: NatInputs, saved: ReadonlyMap<string, string | undefined>): NatFindings {
  const out: NatFindings = { objects: 0, notReady: [], rules: 0, lost: [], extra: [], refused: [] };
  for (const [kind, items] of [
    ['IptablesEIP', inp.eips],
    ['IptablesDnatRule', inp.dnats],
    ['IptablesSnatRule', inp.snats],
    ['IptablesFIPRule', inp.fips],
  ] as const) {
    for (const o of items) {
      out.objects++;
      const eipWithoutIp = kind === 'IptablesEIP' && !(o as IptablesEip).status?.ip;
      if (!ready(o) || eipWithoutIp) out.notReady.push(`${kind} ${o.metadata.name}`);
    }
  }
  for (const gateway of inp.gateways) {
    const name = gateway.metadata.name ?? '';
    const { text, refused } = wantedRules(gateway, inp);
    out.refused.push(...refused);
    const want = ruleLines(canonicalRuleSet(text));
    out.rules += want.length;
    const dump = saved.get(name);
    if (dump === undefined) {
      out.lost.push(`${name}: its gateway's rules could not be read (no gateway pod namespace)`);
      continue;
    }
    const have = ruleLines(canonicalRuleSet(dump));
    for (const line of want) if (!have.includes(line)) out.lost.push(`${name}: ${line}`);
    for (const line of have) if (!want.includes(line)) out.extra.push(`${name}: ${line}`);
  }
  return out;
}
