/**
 * The transparent listener's logic: connections TProxy hands to the listening socket (their local address is the
 * original destination), carried into the right pod's namespace (lookup.ts, backend.ts), and what the control API
 * (control.ts) asks of it: the target table, announced probes (the pod dialled first, the connection held for the
 * prober), counters. A connection nobody can place (unknown, or ambiguous without an expectation) is reset, never
 * guessed.
 */
import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import type { Clock } from '../../util/clock.ts';
import type { PipedProcess } from '../../util/exec.ts';
import { BackendRefused, openBackend, relay } from './backend.ts';
import { expectationKey, lookupConnection, plainIp, targetFor, type Expectation } from './lookup.ts';
import type { ProbeTarget } from './targets.ts';

interface Held {
  pod: string;
  backend: PipedProcess;
  timer: ReturnType<Clock['setTimeout']>;
}

export interface ListenerStats {
  accepted: number;
  refused: number;
  carried: Record<string, number>;
}

const CONNECT_TIMEOUT_MS = 5_000;

export class TproxyListener {
  readonly #clock: Clock;
  readonly #log: Logger;
  #targets: ProbeTarget[] = [];
  readonly #held = new Map<string, Held>();
  readonly stats: ListenerStats = { accepted: 0, refused: 0, carried: {} };

  constructor(clock: Clock, log: Logger) {
    this.#clock = clock;
    this.#log = log;
  }

  setTargets(targets: ProbeTarget[]): void {
    this.#targets = targets;
  }

  get targetCount(): number {
    return this.#targets.length;
  }

  /** Handles one connection caught by TProxy. */
  async accept(client: Socket): Promise<void> {
    this.stats.accepted++;
    const c = {
      dstIp: client.localAddress ?? '',
      dstPort: client.localPort ?? 0,
      srcPort: client.remotePort ?? 0,
    };
    const found = lookupConnection(c, this.#targets, new Set(this.#held.keys()));
    const refuse = (why: string): void => {
      this.stats.refused++;
      this.#log.info({ ...c, dstIp: plainIp(c.dstIp), why }, 'connection refused');
      client.resetAndDestroy();
    };
    let pod: string;
    let backend: PipedProcess;
    if (found.kind === 'expected') {
      const held = this.#held.get(found.key)!;
      this.#held.delete(found.key);
      this.#clock.clearTimeout(held.timer);
      ({ pod, backend } = held);
    } else if (found.kind === 'unique') {
      pod = found.target.pod;
      try {
        backend = await openBackend(this.#clock, found.target, CONNECT_TIMEOUT_MS);
      } catch (err) {
        return refuse(`${pod}: ${(err as Error).message}`);
      }
    } else if (found.kind === 'ambiguous') {
      return refuse(`ambiguous: ${found.pods.join(', ')} hold this address and probe this port`);
    } else return refuse('no pod of a custom VPC on this node is probed at this address and port');
    this.stats.carried[pod] = (this.stats.carried[pod] ?? 0) + 1;
    this.#log.debug({ pod, dst: `${plainIp(c.dstIp)}:${c.dstPort}`, srcPort: c.srcPort }, 'carried');
    await relay(client, backend);
  }

  /** A prober's announcement: dial the pod now and hold the connection for the prober's. */
  async expect(e: Expectation & { timeoutMs?: number }): Promise<{ status: number; body: unknown }> {
    const target = targetFor(e, this.#targets);
    if (!target)
      return { status: 404, body: { error: `no probe target ${e.pod} ${e.ip}:${e.port} on this node` } };
    const timeoutMs = Math.min(Math.max(e.timeoutMs ?? CONNECT_TIMEOUT_MS, 100), 60_000);
    let backend: PipedProcess;
    try {
      backend = await openBackend(this.#clock, target, timeoutMs);
    } catch (err) {
      if (!(err instanceof BackendRefused)) throw err;
      this.stats.refused++;
      return { status: 502, body: { error: err.message } };
    }
    const key = expectationKey(e);
    this.#held.get(key)?.backend.kill('SIGKILL');
    const timer = this.#clock.setTimeout(() => {
      if (this.#held.get(key)?.backend !== backend) return;
      this.#held.delete(key);
      backend.kill('SIGKILL');
    }, timeoutMs);
    this.#held.set(key, { pod: e.pod, backend, timer });
    return { status: 200, body: { connected: true } };
  }

  /** Ends every held backend (shutdown). */
  close(): void {
    for (const h of this.#held.values()) {
      this.#clock.clearTimeout(h.timer);
      h.backend.kill('SIGKILL');
    }
    this.#held.clear();
  }
}
