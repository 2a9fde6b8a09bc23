/**
 * The topology page's read-only view of the northbound database: one OVSDB connection monitoring the routers (name,
 * static routes), their static routes and the switches, so the page can flag spec that is not in NB yet. It never
 * writes. `state()` is what the flags read; `onChange` fires on every monitored row change.
 */
import type { Logger } from 'pino';
import { OvsdbClient } from '../ovsdb/client.ts';
import type { OvnNbTables } from '../ovsdb/generated/ovn-nb.ts';
import type { NbRoute, NbState } from './cluster-objects.ts';

export class NbStateReader {
  readonly #client: OvsdbClient<OvnNbTables>;

  private constructor(client: OvsdbClient<OvnNbTables>) {
    this.#client = client;
  }

  static async open(remotes: string[], log: Logger): Promise<NbStateReader> {
    const client = await OvsdbClient.connect<OvnNbTables>({
      remotes,
      database: 'OVN_Northbound',
      logger: log,
      initialConnectTimeoutMs: 10_000,
    });
    await client.monitor({
      Logical_Router: { columns: ['name', 'static_routes'] },
      Logical_Router_Static_Route: { columns: ['ip_prefix', 'nexthop', 'policy', 'route_table'] },
      Logical_Switch: { columns: ['name'] },
    });
    return new NbStateReader(client);
  }

  get connected(): boolean {
    return this.#client.connected;
  }

  onChange(listener: () => void): void {
    this.#client.cache.on('change', listener);
  }

  state(): NbState {
    const cache = this.#client.cache;
    const routes = cache.table('Logical_Router_Static_Route');
    const routers = new Map<string, NbRoute[]>();
    for (const router of cache.table('Logical_Router').rows()) {
      routers.set(
        router.name,
        router.static_routes.flatMap((uuid) => {
          const r = routes.get(uuid);
          return r
            ? [
                {
                  prefix: r.ip_prefix,
                  nexthop: r.nexthop,
                  policy: r.policy ?? 'dst-ip',
                  table: r.route_table,
                },
              ]
            : [];
        }),
      );
    }
    const switches = new Set(
      cache
        .table('Logical_Switch')
        .rows()
        .map((s) => s.name),
    );
    return { routers, switches };
  }

  close(): void {
    this.#client.close();
  }
}
