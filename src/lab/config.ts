/**
 * The lab's settings (`.kovn/lab.json`), fixed at the first `kovn up` and reused by every later start, so the API
 * server keeps its port (and the kubeconfig stays valid) across restarts: lab id, node names, API server port.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freeLoopbackPort } from '../ovn/cluster.ts';
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

/** The existing config, or a new one written now. */
export async function ensureConfig(home: string, wanted: Partial<LabConfig> = {}): Promise<LabConfig> {
  const existing = readConfig(home);
  if (existing) return existing;
  const config: LabConfig = {
    id: wanted.id ?? DEFAULT_LAB_ID,
    nodes: wanted.nodes ?? [...DEFAULT_NODES],
    apiserverPort: wanted.apiserverPort ?? (await freeLoopbackPort()),
  };
  mkdirSync(home, { recursive: true });
  writeFileSync(configPath(home), `${JSON.stringify(config, null, 2)}\n`);
  return config;
}
