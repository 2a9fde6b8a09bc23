/**
 * The lab's settings (`.kovn/lab.json`), fixed at the first `kovn up` and reused by every later start, so the API
 * server keeps its port (and the kubeconfig stays valid) across restarts: lab id, node names, API server port.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { DEFAULT_LAB_ID, DEFAULT_NODES } from './layout.ts';

export interface LabConfig {
  id: string;
  nodes: string[];
  apiserverPort: number;
}

export const configPath = (home: string): string => join(home, 'lab.json');

export function readConfig(home: string): LabConfig | undefined {
  const path = configPath(home);
  if (!existsSync(path)) return undefined;
  return JSON.parse(readFileSync(path, 'utf8')) as LabConfig;
}

/** A TCP port on 127.0.0.1 that is free right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** The existing config, or a new one written now. */
export async function ensureConfig(home: string, wanted: Partial<LabConfig> = {}): Promise<LabConfig> {
  const existing = readConfig(home);
  if (existing) return existing;
  const config: LabConfig = {
    id: wanted.id ?? DEFAULT_LAB_ID,
    nodes: wanted.nodes ?? [...DEFAULT_NODES],
    apiserverPort: wanted.apiserverPort ?? (await freePort()),
  };
  mkdirSync(home, { recursive: true });
  writeFileSync(configPath(home), `${JSON.stringify(config, null, 2)}\n`);
  return config;
}
