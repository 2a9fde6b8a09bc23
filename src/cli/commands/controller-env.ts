/**
 * Where `kovn controller` finds the OVN northbound database when `--ovn-nb-addr` is not given, as Kube-OVN's
 * start-controller.sh does in a cluster: `OVN_NB_ADDR` (a remote list, kovn's own), else `OVN_DB_IPS` (the
 * ovn-central nodes' IPs, comma separated: one remote each on port 6641), else the `ovn-nb` Service's
 * `OVN_NB_SERVICE_HOST`/`OVN_NB_SERVICE_PORT` (kubelet sets them in pods of the Service's namespace). The scheme is
 * `ssl:` when `ENABLE_SSL=true`, else `tcp:`; hosts are bracketed, as Kube-OVN writes them. Pure.
 */

export type NbRemotes = { remotes: string[]; from: string } | { error: string };

const NB_PORT = 6641;

const split = (list: string): string[] =>
  list
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');

export function nbRemotesOf(flag: string | undefined, env: NodeJS.ProcessEnv): NbRemotes {
  if (flag) return { remotes: split(flag), from: '--ovn-nb-addr' };
  if (env['OVN_NB_ADDR']) return { remotes: split(env['OVN_NB_ADDR']), from: 'OVN_NB_ADDR' };
  const scheme = env['ENABLE_SSL'] === 'true' ? 'ssl' : 'tcp';
  const ips = split(env['OVN_DB_IPS'] ?? '');
  if (ips.length) return { remotes: ips.map((ip) => `${scheme}:[${ip}]:${NB_PORT}`), from: 'OVN_DB_IPS' };
  const host = env['OVN_NB_SERVICE_HOST'];
  const port = env['OVN_NB_SERVICE_PORT'];
  if (host && port) return { remotes: [`${scheme}:[${host}]:${port}`], from: 'OVN_NB_SERVICE_HOST' };
  return {
    error:
      'no OVN northbound address: pass --ovn-nb-addr, or set OVN_NB_ADDR, OVN_DB_IPS, or OVN_NB_SERVICE_HOST and OVN_NB_SERVICE_PORT (an ovn-nb Service)',
  };
}
