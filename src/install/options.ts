/**
 * What `kovn install` renders for: the CNI mode (`primary`: kovn is the cluster's network; `secondary`: only the
 * networks a NetworkAttachmentDefinition of `type: kovn` names, beside the cluster's own CNI, through Multus), the OVN
 * it uses (its own `ovn-central`, 1 or 3 Raft replicas, or an existing NB and SB), the image and the namespace.
 * Parsed from the command line with each problem named by its flag. Pure.
 */
import { parseArgs } from 'node:util';

export interface InstallOptions {
  mode: 'primary' | 'secondary';
  /** An existing OVN's NB (`tcp:H:P`, `ssl:H:P`, comma-separated for a cluster); absent: kovn's own ovn-central. */
  ovnNbAddr: string | undefined;
  /** Its SB, for the nodes' ovn-controller; derived from the NB address (port 6642) when not given. */
  ovnSbAddr: string | undefined;
  image: string;
  namespace: string;
  ovnCentralReplicas: 1 | 3;
}

/** What `npm run image` tags (scripts/image.sh). */
export const DEFAULT_IMAGE = 'localhost/kovn:0.1.0';
export const DEFAULT_NAMESPACE = 'kube-system';

export const INSTALL_USAGE = `usage: kovn install [--mode primary|secondary] [--ovn-nb-addr R] [--ovn-sb-addr R] [--image REF]
                    [--namespace NS] [--ovn-central-replicas 1|3]   (prints YAML for \`kubectl apply -f -\`)`;

const REMOTE = /^(tcp|ssl):(\[[0-9a-fA-F:.]+\]|[^:[\]\s,]+):\d{1,5}$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

export class InstallOptionError extends Error {}

function remotes(flag: string, text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const bad = text.split(',').find((r) => !REMOTE.test(r.trim()));
  if (bad !== undefined)
    throw new InstallOptionError(`${flag} ${JSON.stringify(bad)}: want tcp:HOST:PORT or ssl:HOST:PORT`);
  return text
    .split(',')
    .map((r) => r.trim())
    .join(',');
}

/** The SB of an OVN whose NB is `nb`: the same hosts on port 6642. */
export const sbOfNb = (nb: string): string =>
  nb
    .split(',')
    .map((r) => r.replace(/:\d+$/, ':6642'))
    .join(',');

export function parseInstallOptions(args: readonly string[]): InstallOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...args],
      options: {
        mode: { type: 'string', default: 'primary' },
        'ovn-nb-addr': { type: 'string' },
        'ovn-sb-addr': { type: 'string' },
        image: { type: 'string', default: DEFAULT_IMAGE },
        namespace: { type: 'string', default: DEFAULT_NAMESPACE },
        'ovn-central-replicas': { type: 'string', default: '1' },
      },
    }));
  } catch (err) {
    throw new InstallOptionError((err as Error).message);
  }
  const mode = values.mode;
  if (mode !== 'primary' && mode !== 'secondary')
    throw new InstallOptionError(`--mode ${JSON.stringify(mode)}: want primary or secondary`);
  const replicas = values['ovn-central-replicas'];
  if (replicas !== '1' && replicas !== '3')
    throw new InstallOptionError(`--ovn-central-replicas ${JSON.stringify(replicas)}: want 1 or 3`);
  if (!DNS_LABEL.test(values.namespace))
    throw new InstallOptionError(`--namespace ${JSON.stringify(values.namespace)}: not a namespace name`);
  if (!values.image.trim()) throw new InstallOptionError('--image: empty');
  const nb = remotes('--ovn-nb-addr', values['ovn-nb-addr']);
  const sb = remotes('--ovn-sb-addr', values['ovn-sb-addr']);
  if (sb !== undefined && nb === undefined)
    throw new InstallOptionError('--ovn-sb-addr: needs --ovn-nb-addr (kovn runs its own OVN otherwise)');
  if (nb !== undefined && values['ovn-central-replicas'] !== '1')
    throw new InstallOptionError('--ovn-central-replicas: kovn runs no ovn-central with --ovn-nb-addr');
  return {
    mode,
    ovnNbAddr: nb,
    ovnSbAddr: sb ?? (nb === undefined ? undefined : sbOfNb(nb)),
    image: values.image.trim(),
    namespace: values.namespace,
    ovnCentralReplicas: replicas === '3' ? 3 : 1,
  };
}
