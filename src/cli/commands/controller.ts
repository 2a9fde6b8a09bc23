/**
 * `kovn controller`: runs the network controller as a long-lived process against the API server a kubeconfig names
 * (kube-ovn-controller's job): `--kubeconfig`, `--ovn-nb-addr` (comma list of NB remotes; `ssl:` ones use the
 * `--ovn-ssl-key/-cert/-ca` files, by default Kube-OVN's `/var/run/tls/*`), leader election through
 * a Lease (on by default, `--leader-elect=false` to act alone), and the default-network flags of kube-ovn-controller
 * (`--default-cidr`, `--node-switch-cidr`, ...). Serves Prometheus metrics on `--metrics-addr` (docs/metrics.md).
 * Logs JSON lines to stdout; stops cleanly on SIGTERM/SIGINT.
 */
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { networkOptionsFromFlags } from '../../api/default-network.ts';
import { ControllerProcess } from '../../controller/process.ts';
import { loadProcessConfig } from '../../kube/process-config.ts';
import { Metrics } from '../../util/metrics/registry.ts';
import { serveMetrics } from '../../util/metrics/server.ts';
import { nbRemotesOf } from './controller-env.ts';
import type { CommandIo } from './validate.ts';

const NETWORK_FLAGS = [
  'cluster-router',
  'default-ls',
  'default-cidr',
  'default-gateway',
  'default-exclude-ips',
  'node-switch',
  'node-switch-cidr',
  'node-switch-gateway',
] as const;

/** Where Kube-OVN's components read their OVN TLS files when ENABLE_SSL=true (`ovn-nbctl -p/-c/-C`). */
export const KUBE_OVN_TLS_FILES = {
  privateKey: '/var/run/tls/key',
  certificate: '/var/run/tls/cert',
  caCert: '/var/run/tls/cacert',
} as const;

/** The TLS files for `ssl:` NB remotes, from `--ovn-ssl-key/-cert/-ca` (defaults: `KUBE_OVN_TLS_FILES`). */
function nbTlsFiles(flags: { 'ovn-ssl-key': string; 'ovn-ssl-cert': string; 'ovn-ssl-ca': string }) {
  return {
    privateKey: flags['ovn-ssl-key'],
    certificate: flags['ovn-ssl-cert'],
    caCert: flags['ovn-ssl-ca'],
  };
}

/** `--non-primary-cni-mode true|false`; anything else throws. */
function nonPrimaryCni(text: string): boolean {
  if (text !== 'true' && text !== 'false')
    throw new Error(`--non-primary-cni-mode ${JSON.stringify(text)}: want true or false`);
  return text === 'true';
}

/** Kube-OVN's kube-ovn-controller metrics port, on loopback unless told otherwise. */
export const DEFAULT_CONTROLLER_METRICS_ADDR = '127.0.0.1:10660';

export const CONTROLLER_USAGE = `usage: kovn controller [--kubeconfig PATH] [--ovn-nb-addr REMOTE[,REMOTE...]] [options]
  --kubeconfig PATH           default KUBECONFIG, else the pod's service account (in-cluster)
  --ovn-nb-addr REMOTES       default OVN_NB_ADDR, else OVN_DB_IPS (port 6641), else OVN_NB_SERVICE_HOST:PORT
                              (ssl: when ENABLE_SSL=true), as Kube-OVN's start-controller.sh
  --ovn-ssl-key PATH          our private key for ssl: NB remotes (default ${KUBE_OVN_TLS_FILES.privateKey}, as Kube-OVN)
  --ovn-ssl-cert PATH         our certificate (default ${KUBE_OVN_TLS_FILES.certificate})
  --ovn-ssl-ca PATH           the CA the NB's certificate must chain to (default ${KUBE_OVN_TLS_FILES.caCert})
  --leader-elect true|false   campaign for the kube-ovn-controller Lease (default true)
  --non-primary-cni-mode true|false   the cluster's own CNI gives pods eth0; kovn serves only the networks a NAD of
                              type kube-ovn names (default false, as kube-ovn-controller)
  --lease-namespace NS        namespace of the Lease (default kube-system)
  --lease-duration S, --renew-deadline S, --retry-period S   (defaults 15, 10, 2; as client-go)
  --identity ID               leader-election identity (default host_pid)
  --log-level LEVEL           pino level (default info)
  --metrics-addr HOST:PORT    where /metrics is served (default 127.0.0.1:10660, Kube-OVN's port; port 0: any)
  --metrics-url-file PATH     write the bound metrics URL there (the lab reads it)
  --${NETWORK_FLAGS.join(', --')}   as kube-ovn-controller`;

const CONTROLLER_OPTIONS = {
  kubeconfig: { type: 'string' },
  'ovn-nb-addr': { type: 'string' },
  'ovn-ssl-key': { type: 'string', default: KUBE_OVN_TLS_FILES.privateKey },
  'ovn-ssl-cert': { type: 'string', default: KUBE_OVN_TLS_FILES.certificate },
  'ovn-ssl-ca': { type: 'string', default: KUBE_OVN_TLS_FILES.caCert },
  'leader-elect': { type: 'string', default: 'true' },
  'non-primary-cni-mode': { type: 'string', default: 'false' },
  'lease-namespace': { type: 'string', default: 'kube-system' },
  'lease-duration': { type: 'string', default: '15' },
  'renew-deadline': { type: 'string', default: '10' },
  'retry-period': { type: 'string', default: '2' },
  identity: { type: 'string' },
  'log-level': { type: 'string', default: 'info' },
  'metrics-addr': { type: 'string', default: DEFAULT_CONTROLLER_METRICS_ADDR },
  'metrics-url-file': { type: 'string' },
  concurrency: { type: 'string' },
  ...Object.fromEntries(NETWORK_FLAGS.map((f) => [f, { type: 'string' as const }])),
} as const;

export async function controllerCommand(args: string[], io: CommandIo): Promise<number> {
  const { values } = parseArgs({
    args,
    options: CONTROLLER_OPTIONS,
  });
  const nb = nbRemotesOf(values['ovn-nb-addr'], process.env);
  let kube;
  try {
    if ('error' in nb) throw new Error(nb.error);
    if (!['true', 'false'].includes(values['non-primary-cni-mode']))
      throw new Error(
        `--non-primary-cni-mode ${JSON.stringify(values['non-primary-cni-mode'])}: want true or false`,
      );
    kube = loadProcessConfig({ kubeconfig: values.kubeconfig });
  } catch (err) {
    io.err(`kovn controller: ${(err as Error).message}\n${CONTROLLER_USAGE}`);
    return 2;
  }
  const kubeConfig = kube.kubeConfig;
  const flags = values as Record<string, string | undefined>;
  const network = networkOptionsFromFlags(
    Object.fromEntries(NETWORK_FLAGS.filter((f) => flags[f] !== undefined).map((f) => [f, flags[f]])),
  );
  const logger = pino({ level: values['log-level'], base: { component: 'controller' } });
  const metrics = new Metrics();
  const metricsServer = await serveMetrics(metrics, {
    address: values['metrics-addr'],
    ...(values['metrics-url-file'] ? { urlFile: values['metrics-url-file'] } : {}),
  });
  logger.info({ url: metricsServer.url }, 'serving metrics');
  logger.info({ kube: kube.describe, from: kube.from, nb: nb.remotes, nbFrom: nb.from }, 'configuration');
  const controller = new ControllerProcess({
    kubeConfig,
    nbRemotes: nb.remotes,
    nbTls: nbTlsFiles(values),
    leaderElection:
      values['leader-elect'] === 'false'
        ? false
        : {
            namespace: values['lease-namespace'],
            leaseDurationSeconds: Number(values['lease-duration']),
            renewDeadlineMs: Number(values['renew-deadline']) * 1000,
            retryPeriodMs: Number(values['retry-period']) * 1000,
          },
    network,
    ...(nonPrimaryCni(values['non-primary-cni-mode']) ? { nonPrimaryCni: true } : {}),
    logger,
    metrics,
    ...(values.identity ? { identity: values.identity } : {}),
    ...(values.concurrency ? { concurrency: Number(values.concurrency) } : {}),
  });
  const stopped = new Promise<void>((resolve) => {
    const stop = () => {
      logger.info('stopping');
      void controller.stop().then(resolve);
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
  await controller.start();
  logger.info({ identity: controller.identity }, 'controller started');
  await stopped;
  await metricsServer.close();
  return 0;
}
