/**
 * The lab's DNS server processes, one per running DNS pod: each runs `server.ts` inside the pod's network namespace
 * (through the lab's ledger runner, so `kovn down` finds it) and reads its zone file, which `ensure` rewrites
 * atomically (write, rename) only when its content changes. A server that exits is forgotten and reported, so the
 * caller can start it again; `stop` ends a pod's server by its pid and removes its zone file.
 */
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import type { KubeObject } from '../../api/types.ts';
import { netnsExists } from '../../node/agent/netns-path.ts';
import type { ProcessExit, ProcessRunner, SpawnedProcess } from '../../util/exec.ts';
import type { LabLayout } from '../layout.ts';
import type { ZoneFile } from './server.ts';

export const SERVER_SCRIPT = fileURLToPath(new URL('./server.ts', import.meta.url));

export interface DnsServersOptions {
  runner: ProcessRunner;
  layout: LabLayout;
  /** Where zone files live. */
  dir: string;
  nodeBinary: string;
  log: Logger;
  /** A server exited on its own. */
  onExit: (pod: KubeObject, exit: ProcessExit) => void;
}

const keyOf = (o: KubeObject): string => `${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`;

export class DnsServers {
  readonly #o: DnsServersOptions;
  readonly #running = new Map<string, { proc: SpawnedProcess; zoneFile: string }>();

  constructor(options: DnsServersOptions) {
    this.#o = options;
  }

  /** Writes the pod's zone file and starts its server unless it runs (or the pod's namespace is not there yet). */
  async ensure(pod: KubeObject, zone: ZoneFile): Promise<void> {
    const podKey = keyOf(pod);
    const zoneFile = join(this.#o.dir, `${pod.metadata.namespace}.${pod.metadata.name}.json`);
    const text = `${JSON.stringify(zone)}\n`;
    let old = '';
    try {
      old = readFileSync(zoneFile, 'utf8');
    } catch {
      // first time
    }
    if (old !== text) {
      writeFileSync(`${zoneFile}.tmp`, text);
      renameSync(`${zoneFile}.tmp`, zoneFile);
    }
    if (this.#running.has(podKey)) return;
    const netns = this.#o.layout.podNetns(pod.metadata.namespace ?? '', pod.metadata.name ?? '');
    if (!netnsExists(netns)) return;
    const proc = await this.#o.runner.spawn(
      this.#o.nodeBinary,
      [SERVER_SCRIPT, '--zone-file', zoneFile, '--pod', podKey],
      {
        netns,
        logFile: join(this.#o.layout.logDir, `vpc-dns-${pod.metadata.namespace}.${pod.metadata.name}.log`),
      },
    );
    this.#running.set(podKey, { proc, zoneFile });
    void proc.exited.then((exit) => {
      if (this.#running.get(podKey)?.proc !== proc) return;
      this.#running.delete(podKey);
      this.#o.log.warn({ pod: podKey, exit }, 'vpc dns server exited');
      this.#o.onExit(pod, exit);
    });
    this.#o.log.info({ pod: podKey, pid: proc.pid, netns }, 'vpc dns server started');
  }

  async stop(pod: KubeObject): Promise<void> {
    await this.#stop(keyOf(pod));
  }

  async stopAll(): Promise<void> {
    for (const podKey of [...this.#running.keys()]) await this.#stop(podKey);
  }

  async #stop(podKey: string): Promise<void> {
    const server = this.#running.get(podKey);
    if (!server) return;
    this.#running.delete(podKey);
    server.proc.kill('SIGTERM');
    await server.proc.exited;
    rmSync(server.zoneFile, { force: true });
    this.#o.log.info({ pod: podKey }, 'vpc dns server stopped');
  }
}
