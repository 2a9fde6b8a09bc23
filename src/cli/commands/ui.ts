/**
 * `kovn ui [--kubeconfig F] [--listen HOST:PORT] [--ovn-nb-addr R] [--ovn-sb-addr R] [--url-file F]`: serves the live
 * topology page (src/ui) for the cluster the kubeconfig names, the lab's by default, and prints its URL (token
 * included). Against the lab it also reads the lab's NB (drift flags) and traces through the lab's NB and SB; against
 * another cluster it does so when given their addresses (or OVN_NB_ADDR / OVN_SB_ADDR). Loopback unless told
 * otherwise. Runs until SIGTERM or SIGINT.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { loadProcessConfig } from '../../kube/process-config.ts';
import { labHome, labLayout } from '../../lab/layout.ts';
import { ClusterWatch } from '../../ui/cluster-watch.ts';
import { serveUi } from '../../ui/server.ts';
import { writeFileAtomic } from '../../util/atomic-file.ts';
import { systemClock } from '../../util/clock.ts';
import { parseMetricsAddress } from '../../util/metrics/server.ts';
import { kubeconfigSource } from '../kube/kubeconfig.ts';
import { labBackend, remoteBackend, type TraceBackend } from '../trace/engine.ts';
import { uiTracer } from '../trace/ui-tracer.ts';
import type { CommandIo } from './validate.ts';

/** Beside Kube-OVN's controller (10660) and daemon (10665) ports, which kovn's metrics use. */
export const DEFAULT_UI_ADDR = '127.0.0.1:10670';

export const UI_USAGE = `usage: kovn ui [--kubeconfig PATH] [--listen HOST:PORT] [--ovn-nb-addr R] [--ovn-sb-addr R]
  --listen HOST:PORT     where the page is served (default ${DEFAULT_UI_ADDR}; port 0: any free port)
  --ovn-nb-addr R        the NB to check drift against and trace with (default: the lab's, or OVN_NB_ADDR)
  --ovn-sb-addr R        the SB ovn-trace reads (default: the lab's, or OVN_SB_ADDR)
  --url-file PATH        also write the page's URL there
  --log-level LEVEL      pino level (default info)`;

interface Ovn {
  nbRemotes: string[];
  backend: TraceBackend | undefined;
}

function ovnOf(values: Record<string, string | undefined>, isLab: boolean, env: NodeJS.ProcessEnv): Ovn {
  const nb = values['ovn-nb-addr'] ?? (env['OVN_NB_ADDR'] || undefined);
  const sb = values['ovn-sb-addr'] ?? (env['OVN_SB_ADDR'] || undefined);
  if (!nb && isLab) {
    const layout = labLayout(labHome(env));
    return { nbRemotes: [`unix:${layout.centralDir}/nb.sock`], backend: labBackend(layout) };
  }
  return {
    nbRemotes: nb ? nb.split(',').map((s) => s.trim()) : [],
    backend: nb && sb ? remoteBackend(nb, sb) : undefined,
  };
}

export async function uiCommand(args: string[], io: CommandIo, env = process.env): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      kubeconfig: { type: 'string' },
      listen: { type: 'string', default: DEFAULT_UI_ADDR },
      'ovn-nb-addr': { type: 'string' },
      'ovn-sb-addr': { type: 'string' },
      'url-file': { type: 'string' },
      'log-level': { type: 'string', default: 'info' },
    },
  });
  let address;
  try {
    address = parseMetricsAddress(values.listen);
  } catch {
    io.err(`kovn ui: --listen ${JSON.stringify(values.listen)}: want HOST:PORT\n${UI_USAGE}`);
    return 2;
  }
  const source = kubeconfigSource(values.kubeconfig, env);
  if (source.from === 'lab' && !existsSync(source.paths[0] ?? '')) {
    io.err(
      `kovn ui: no kovn lab in ${labHome(env)} (start one with \`kovn up\`), and no --kubeconfig or KUBECONFIG`,
    );
    return 2;
  }
  let kubeConfig;
  try {
    // As every kovn process reads it (kube/process-config.ts); the CLI's own default is the lab's kubeconfig.
    kubeConfig = loadProcessConfig({
      kubeconfig: source.from === 'lab' ? source.paths[0] : values.kubeconfig,
      env,
    }).kubeConfig;
  } catch (err) {
    io.err(`kovn ui: ${(err as Error).message}`);
    return 2;
  }
  const labKubeconfig = labLayout(labHome(env)).kubeconfig;
  const isLab = source.paths.length === 1 && resolve(source.paths[0] ?? '') === resolve(labKubeconfig);
  const ovn = ovnOf(values, isLab, env);
  const log = pino({ level: values['log-level'], base: { component: 'ui' } }, pino.destination(2));
  const watch = new ClusterWatch({
    kubeConfig,
    nbRemotes: ovn.nbRemotes,
    trace: ovn.backend !== undefined,
    clock: systemClock,
    log,
  });
  const server = await serveUi({
    host: address.host,
    port: address.port,
    watch,
    tracer: ovn.backend ? uiTracer(kubeConfig, ovn.backend) : undefined,
    clock: systemClock,
    log,
  });
  if (values['url-file']) writeFileAtomic(values['url-file'], `${server.url}\n`);
  io.out(`kovn ui: serving ${server.url}`);
  await new Promise<void>((done) => {
    process.once('SIGTERM', done);
    process.once('SIGINT', done);
  });
  await server.close();
  return 0;
}
