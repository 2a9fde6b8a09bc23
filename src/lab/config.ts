/**
 * The lab's settings (`.kovn/lab.json`), fixed at the first `kovn up` and reused by every later start, so the API
 * server keeps its port (and the kubeconfig stays valid) across restarts: lab id, node names, API server port; and
 * whether the node agents run with `--enable-tproxy` (on unless `kovn up --enable-tproxy=false` said otherwise; a
 * later `kovn up` that names the flag changes it); and whether kovn is the pods' primary network or, as with
 * `kovn install --mode secondary`, only their attachments' (`kovn up --cni-mode secondary`; fixed when the lab is made,
 * since every pod's eth0 depends on it).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freeLoopbackPort } from '../ovn/cluster.ts';
import { DEFAULT_LAB_ID, DEFAULT_NODES } from './layout.ts';

export interface LabConfig {
  id: string;
  nodes: string[];
  apiserverPort: number;
  /** Kubelet probes into custom VPCs through the node agents' TProxy (absent: true). */
  enableTproxy?: boolean;
  /** `primary` (absent): kovn gives pods eth0; `secondary`: the cluster CNI does (ptp), kovn only attachments. */
  cniMode?: CniMode;
}

export type CniMode = 'primary' | 'secondary';

export class LabConfigError extends Error {}

export const configPath = (home: string): string => join(home, 'lab.json');

export function readConfig(home: string): LabConfig | undefined {
  const path = configPath(home);
  if (!existsSync(path)) return undefined;
  return JSON.parse(readFileSync(path, 'utf8')) as LabConfig;
}

/** The existing config, or a new one written now. */
export async function ensureConfig(home: string, wanted: Partial<LabConfig> = {}): Promise<LabConfig> {
  const existing = readConfig(home);
  if (existing && wanted.cniMode !== undefined && (existing.cniMode ?? 'primary') !== wanted.cniMode)
    throw new LabConfigError(
      `the lab in ${home} was made with --cni-mode ${existing.cniMode ?? 'primary'}; run kovn down first to make it again with --cni-mode ${wanted.cniMode}`,
    );
  if (
    existing &&
    wanted.enableTproxy !== undefined &&
    (existing.enableTproxy ?? true) !== wanted.enableTproxy
  ) {
    const changed = { ...existing, enableTproxy: wanted.enableTproxy };
    writeFileSync(configPath(home), `${JSON.stringify(changed, null, 2)}\n`);
    return changed;
  }
  if (existing) return existing;
  const config: LabConfig = {
    id: wanted.id ?? DEFAULT_LAB_ID,
    nodes: wanted.nodes ?? [...DEFAULT_NODES],
    apiserverPort: wanted.apiserverPort ?? (await freeLoopbackPort()),
    enableTproxy: wanted.enableTproxy ?? true,
    ...(wanted.cniMode === 'secondary' ? { cniMode: 'secondary' } : {}),
  };
  mkdirSync(home, { recursive: true });
  writeFileSync(configPath(home), `${JSON.stringify(config, null, 2)}\n`);
  return config;
}
