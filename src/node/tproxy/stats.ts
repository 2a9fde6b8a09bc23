/**
 * The TProxy listener's counters as the node agent's metrics want them: `GET /stats` on the listener's control
 * socket (control.ts), summed over pods (no pod labels), and the number of probe targets it holds.
 */
import { request } from 'node:http';
import type { TproxySample } from '../../util/metrics/registry.ts';
import type { ListenerStats } from './listener.ts';

/** Sums a stats answer into a metrics sample. Pure. */
export function tproxySample(stats: ListenerStats & { targets?: number }): TproxySample {
  return {
    carried: Object.values(stats.carried).reduce((sum, n) => sum + n, 0),
    refused: stats.refused,
    targets: stats.targets ?? 0,
  };
}

/** The listener's counters; rejects when it does not answer (not running, or no answer within `timeoutMs`). */
export function listenerStats(control: string, timeoutMs = 2_000): Promise<TproxySample> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: control, method: 'GET', path: '/stats', timeout: timeoutMs }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => {
        if (res.statusCode !== 200) return reject(new Error(`listener stats: ${res.statusCode}`));
        try {
          resolve(tproxySample(JSON.parse(text) as ListenerStats & { targets?: number }));
        } catch (err) {
          reject(new Error('listener stats: not JSON', { cause: err }));
        }
      });
    });
    req.on('timeout', () => req.destroy(new Error('listener stats: no answer')));
    req.on('error', reject);
    req.end();
  });
}
