/**
 * What the kubelet-lite remembers about each pod sandbox, as a container runtime does (and libcni's result cache):
 * one JSON file per pod under `<node dir>/pods/<namespace>.<pod>.json`, written before the namespace is created
 * (so every namespace it made has a record) and completed once every network is attached. A record names the pod's
 * uid, the container id given to CNI, each attachment with the exact configuration used for ADD and its result (DEL
 * must get the same configuration even after the NAD is gone), and the responder's pid. This is what lets a
 * restarted kubelet adopt running sandboxes without touching them. Each container of a pod also gets a working
 * directory of its own, `<node dir>/pods/containers/<namespace>.<pod>/<container>` (where its exec probes run),
 * removed with the pod.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CniResult } from '../../node/cni/spec.ts';
import type { ConfList } from './networks.ts';

export interface AttachmentRecord {
  /** `kube-ovn` for the primary network, `<namespace>/<name>` of the NAD for the others. */
  network: string;
  ifname: string;
  conf: ConfList;
  result: CniResult;
}

export interface SandboxRecord {
  namespace: string;
  name: string;
  uid: string;
  containerId: string;
  /** The netns name (empty for hostNetwork pods). */
  netns: string;
  hostNetwork: boolean;
  /** True once every attachment succeeded. */
  ready: boolean;
  attachments: AttachmentRecord[];
  responder?: { pid: number; ports: string[] };
}

export class SandboxStore {
  readonly dir: string;

  constructor(dir: string) {
    this.dir = dir;
  }

  #file(namespace: string, name: string): string {
    return join(this.dir, `${namespace}.${name}.json`);
  }

  read(namespace: string, name: string): SandboxRecord | undefined {
    try {
      return JSON.parse(readFileSync(this.#file(namespace, name), 'utf8')) as SandboxRecord;
    } catch {
      return undefined;
    }
  }

  /** Atomic replace (write + rename). */
  write(record: SandboxRecord): void {
    mkdirSync(this.dir, { recursive: true });
    const file = this.#file(record.namespace, record.name);
    writeFileSync(`${file}.tmp`, `${JSON.stringify(record, null, 2)}\n`);
    renameSync(`${file}.tmp`, file);
  }

  remove(namespace: string, name: string): void {
    rmSync(this.#file(namespace, name), { force: true });
  }

  #containersDir(namespace: string, name: string): string {
    return join(this.dir, 'containers', `${namespace}.${name}`);
  }

  /** The working directory of one container of the pod (a container name is a DNS label: never a path). */
  containerDir(namespace: string, name: string, container: string): string {
    if (!/^[A-Za-z0-9][-A-Za-z0-9_.]*$/.test(container) || container.includes('..'))
      throw new Error(`container name ${JSON.stringify(container)} cannot name a directory`);
    return join(this.#containersDir(namespace, name), container);
  }

  /** Creates the working directories of these containers (those that exist are kept as they are). */
  ensureContainerDirs(namespace: string, name: string, containers: readonly string[]): void {
    for (const c of containers) mkdirSync(this.containerDir(namespace, name, c), { recursive: true });
  }

  /** Removes every container directory of the pod. */
  removeContainerDirs(namespace: string, name: string): void {
    rmSync(this.#containersDir(namespace, name), { recursive: true, force: true });
  }

  /** Every record on disk. */
  list(): SandboxRecord[] {
    let files: string[];
    try {
      files = readdirSync(this.dir).filter((f) => f.endsWith('.json'));
    } catch {
      return [];
    }
    const out: SandboxRecord[] = [];
    for (const f of files) {
      const dot = f.indexOf('.');
      const rec = this.read(f.slice(0, dot), f.slice(dot + 1, -'.json'.length));
      if (rec) out.push(rec);
    }
    return out;
  }
}
