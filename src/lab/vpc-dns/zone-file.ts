/**
 * What one lab DNS server is told (pure but for the injected file reader): the Corefile's port, zones and `namespaces`
 * (defaults when there is no Corefile or it cannot be read, with the reason), its `forward` targets as addresses
 * (a file such as `/etc/resolv.conf` read for its nameservers), and the records of the Services of the namespaces in
 * scope: the Corefile's own `namespaces`, else those the DNS pods' VPC claims (all when it lists none).
 */
import type { KubeObject } from '../../api/types.ts';
import { parseCorefile, resolvConfNameservers, type CorefileIntent } from './corefile.ts';
import type { ZoneFile } from './server.ts';
import { buildZone } from './zone.ts';

export const DEFAULT_COREFILE: CorefileIntent = {
  port: 53,
  zones: ['cluster.local'],
  namespaces: [],
  forward: [],
  ignored: [],
};

export interface ZoneFileInput {
  /** The `Corefile` key of the ConfigMap the Deployment mounts, if any. */
  corefile: string | undefined;
  services: readonly KubeObject[];
  endpoints: readonly KubeObject[];
  /** `Vpc.spec.namespaces` of the VPC the DNS pods are in. */
  vpcNamespaces: readonly string[];
  /** Reads a file named by `forward` (undefined when it cannot be read). */
  readFile: (path: string) => string | undefined;
}

export function zoneFileFor(input: ZoneFileInput): { file: ZoneFile; warning?: string } {
  let intent = DEFAULT_COREFILE;
  let warning: string | undefined;
  try {
    if (input.corefile) intent = parseCorefile(input.corefile);
  } catch (err) {
    warning = `Corefile not understood, defaults used: ${(err as Error).message}`;
  }
  const upstreams = intent.forward.flatMap((to) => {
    if (!to.startsWith('/')) return [to.replace(/^dns:\/\//, '')];
    const text = input.readFile(to);
    return text === undefined ? [] : resolvConfNameservers(text);
  });
  const namespaces = intent.namespaces.length ? intent.namespaces : input.vpcNamespaces;
  const file: ZoneFile = {
    port: intent.port,
    upstreams,
    zone: buildZone(intent.zones, input.services, input.endpoints, namespaces),
  };
  return warning === undefined ? { file } : { file, warning };
}
