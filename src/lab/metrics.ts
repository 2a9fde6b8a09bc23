/**
 * The lab's metrics endpoints. Each process the daemon starts that serves `/metrics` (the controller, every node
 * agent) is given `--metrics-addr=127.0.0.1:0` — an ephemeral loopback port, so several labs share a machine — and
 * `--metrics-url-file`, where it writes the URL it bound; its start counts as ready once that URL answers (after
 * every restart, so the status file never keeps a dead port). The daemon's own in-process parts (the NAT gateway
 * agents) report into `metrics`, served the same way. `urlOf` gives what the status file records per component.
 */
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { waitFor } from '../ovn/daemons.ts';
import type { Clock } from '../util/clock.ts';
import { Metrics } from '../util/metrics/registry.ts';
import { serveMetrics, type MetricsServer } from '../util/metrics/server.ts';
import { readyDeadlineMs, type StartKind } from './process/supervisor.ts';

const readUrl = (file: string): string | undefined => {
  try {
    return readFileSync(file, 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
};

export class LabMetrics {
  /** The daemon's own metrics (its NAT gateway agents). */
  readonly metrics = new Metrics();
  readonly #dir: string;
  readonly #clock: Clock;
  readonly #files = new Map<string, string>();
  #server: MetricsServer | undefined;

  constructor(home: string, clock: Clock) {
    this.#dir = join(home, 'metrics');
    this.#clock = clock;
  }

  /** The daemon's own endpoint, once `serve` ran. */
  get url(): string | undefined {
    return this.#server?.url;
  }

  async serve(): Promise<string> {
    this.#server ??= await serveMetrics(this.metrics, { address: '127.0.0.1:0' });
    return this.#server.url;
  }

  /** The flags that make component `name` serve its metrics on an ephemeral loopback port and say where. */
  flags(name: string): string[] {
    mkdirSync(this.#dir, { recursive: true });
    const file = join(this.#dir, `${name.replaceAll('/', '_')}.url`);
    rmSync(file, { force: true });
    this.#files.set(name, file);
    return ['--metrics-addr=127.0.0.1:0', `--metrics-url-file=${file}`];
  }

  /** Resolves once component `name` (given `flags`) answers on the URL it wrote. */
  async ready(name: string, start: StartKind): Promise<void> {
    const file = this.#files.get(name);
    if (!file) return;
    await waitFor(
      this.#clock,
      `${name}'s metrics endpoint`,
      async () => {
        const url = readUrl(file);
        if (!url) return undefined;
        const answer = await fetch(url).catch(() => undefined);
        await answer?.body?.cancel();
        return answer?.ok ? true : undefined;
      },
      readyDeadlineMs(start, 30_000),
    );
  }

  /** The metrics URL component `name` last wrote, if it serves metrics. */
  urlOf(name: string): string | undefined {
    const file = this.#files.get(name);
    return file === undefined ? undefined : readUrl(file);
  }

  async close(): Promise<void> {
    await this.#server?.close();
    this.#server = undefined;
  }
}
