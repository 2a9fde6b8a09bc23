/**
 * A Service's OVN load balancers (SwitchLBRule and VPC DNS VIPs included): one Load_Balancer row per (VPC, protocol)
 * holding the Service's VIP ports, `vip:port -> backend:port,...`, named `kovn-svc_<ns>/<name>_<vpc>_<proto>` and
 * tagged with the Service as owner. Backends are grouped by the VPC their pods live in, so each VPC gets only its
 * own backends and the same VIP can live in two VPCs independently (the rows are attached to one VPC's switches
 * only: lb-links.ts). A VIP port without backends gets no entry (OVN would drop its traffic anyway; no row is
 * clearer). Pure.
 */
import { joinHostPort } from '../../net/ip.ts';
import type { DesiredRow } from './model.ts';
import { ownerTags } from './owner.ts';

export type LbProtocol = 'tcp' | 'udp' | 'sctp';

export interface LbPort {
  vip: string;
  port: number;
  protocol: LbProtocol;
  /** `ip:port` (IPv6 as `[ip]:port`) of the ready endpoints behind this port, in this VPC. */
  backends: readonly string[];
}

export interface ServiceLbInput {
  namespace: string;
  name: string;
  vpc: string;
  ports: readonly LbPort[];
  /** `sessionAffinity: ClientIP` timeout in seconds (OVN `options:affinity_timeout`). */
  affinityTimeoutSeconds?: number;
}

export const serviceOwner = (namespace: string, name: string): string => `service/${namespace}/${name}`;

export const lbName = (namespace: string, name: string, vpc: string, protocol: LbProtocol): string =>
  `kovn-svc_${namespace}/${name}_${vpc}_${protocol}`;

export function desiredServiceLbs(inputs: readonly ServiceLbInput[]): DesiredRow[] {
  const rows: DesiredRow[] = [];
  for (const input of inputs) {
    const byProtocol = new Map<LbProtocol, Record<string, string>>();
    for (const port of input.ports) {
      if (!port.backends.length) continue;
      const vips = byProtocol.get(port.protocol) ?? {};
      vips[joinHostPort(port.vip, port.port)] = [...port.backends].sort().join(',');
      byProtocol.set(port.protocol, vips);
    }
    const tags = ownerTags(serviceOwner(input.namespace, input.name), {
      'kovn-vpc': input.vpc,
      'kovn-service': `${input.namespace}/${input.name}`,
    });
    const options: Record<string, string> =
      input.affinityTimeoutSeconds === undefined
        ? {}
        : { affinity_timeout: String(input.affinityTimeoutSeconds) };
    for (const protocol of [...byProtocol.keys()].sort()) {
      rows.push({
        table: 'Load_Balancer',
        columns: {
          name: lbName(input.namespace, input.name, input.vpc, protocol),
          protocol,
          vips: byProtocol.get(protocol)!,
          options,
          external_ids: tags,
        },
      });
    }
  }
  return rows;
}
