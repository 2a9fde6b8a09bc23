/**
 * The records the lab's DNS server answers, built from the API's Services and Endpoints the way CoreDNS's
 * `kubernetes` plugin names them (pure): `<svc>.<ns>.svc.<zone>` A -> the cluster IP, or for a headless Service the
 * ready endpoint addresses, each also named `<hostname or a-b-c-d>.<svc>.<ns>.svc.<zone>`; SRV
 * `_<port>._<proto>.<svc>.<ns>.svc.<zone>` for every named port (-> the Service name, or each endpoint name when
 * headless); PTR for cluster IPs in the reverse zones. Optionally only the Services of some namespaces (a VPC's). Every name between a record and the zone exists (NODATA, not
 * NXDOMAIN, for `<ns>.svc.<zone>`).
 */
import type { KubeObject } from '../../api/types.ts';

export interface SrvTarget {
  port: number;
  target: string;
}

export interface RecordSet {
  A?: string[];
  SRV?: SrvTarget[];
  PTR?: string[];
}

export interface ZoneData {
  /** Zones answered from the cluster (forward and reverse), lower case. */
  zones: string[];
  /** Lower-case owner name -> its records. */
  records: Record<string, RecordSet>;
  /** Every name that exists (with records or as a parent of one). */
  names: string[];
}

interface ServiceSpec {
  clusterIP?: string;
  type?: string;
  ports?: { name?: string; port?: number; protocol?: string }[];
}
interface EndpointsLike {
  subsets?: {
    addresses?: { ip?: string; hostname?: string }[];
    ports?: { name?: string; port?: number; protocol?: string }[];
  }[];
}

const isReverse = (zone: string): boolean => zone.endsWith('.arpa');

export function reverseName(ip: string): string | undefined {
  const parts = ip.split('.');
  return parts.length === 4 ? `${[...parts].reverse().join('.')}.in-addr.arpa` : undefined;
}

export function buildZone(
  zones: readonly string[],
  services: readonly KubeObject[],
  endpoints: readonly KubeObject[],
  /** Only these namespaces' Services (empty: all), like the `kubernetes` plugin's `namespaces` option. */
  namespaces: readonly string[] = [],
): ZoneData {
  const records: Record<string, RecordSet> = {};
  const add = <K extends keyof RecordSet>(
    name: string,
    type: K,
    value: NonNullable<RecordSet[K]>[number],
  ) => {
    const set = (records[name.toLowerCase()] ??= {});
    const list = (set[type] ??= [] as never) as unknown[];
    if (!list.some((v) => JSON.stringify(v) === JSON.stringify(value))) list.push(value);
  };
  const forward = zones.filter((z) => !isReverse(z));
  const reverse = zones.filter(isReverse);
  const epOf = new Map(
    endpoints.map((e) => [`${e.metadata.namespace}/${e.metadata.name}`, e as unknown as EndpointsLike]),
  );
  for (const svc of services) {
    const spec = (svc['spec'] ?? {}) as ServiceSpec;
    if (spec.type === 'ExternalName') continue;
    const ns = svc.metadata.namespace ?? 'default';
    if (namespaces.length && !namespaces.includes(ns)) continue;
    const svcName = svc.metadata.name ?? '';
    const headless = !spec.clusterIP || spec.clusterIP === 'None';
    const ep = epOf.get(`${ns}/${svcName}`);
    for (const zone of forward) {
      const base = `${svcName}.${ns}.svc.${zone}`;
      if (!headless) {
        add(base, 'A', spec.clusterIP!);
        for (const p of spec.ports ?? []) {
          if (p.name && p.port)
            add(`_${p.name}._${(p.protocol ?? 'TCP').toLowerCase()}.${base}`, 'SRV', {
              port: p.port,
              target: base,
            });
        }
        for (const rz of reverse) {
          const ptr = reverseName(spec.clusterIP!);
          if (ptr?.endsWith(`.${rz}`)) add(ptr, 'PTR', base);
        }
        continue;
      }
      for (const subset of ep?.subsets ?? []) {
        for (const address of subset.addresses ?? []) {
          if (!address.ip) continue;
          const host = `${address.hostname || address.ip.replace(/[.:]/g, '-')}.${base}`;
          add(base, 'A', address.ip);
          add(host, 'A', address.ip);
          for (const p of subset.ports ?? []) {
            if (p.name && p.port)
              add(`_${p.name}._${(p.protocol ?? 'TCP').toLowerCase()}.${base}`, 'SRV', {
                port: p.port,
                target: host,
              });
          }
        }
      }
      if (!records[base]) records[base] = {};
    }
  }
  const names = new Set<string>();
  for (const name of Object.keys(records)) {
    const zone = zones.find((z) => name === z || name.endsWith(`.${z}`));
    let n = name;
    while (n && n !== zone) {
      names.add(n);
      n = n.slice(n.indexOf('.') + 1 || n.length);
    }
    if (zone) names.add(zone);
  }
  for (const zone of forward) {
    names.add(zone);
    names.add(`svc.${zone}`);
  }
  return { zones: [...zones], records, names: [...names].sort() };
}
