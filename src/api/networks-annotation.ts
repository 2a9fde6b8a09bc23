/**
 * A pod's secondary networks as Multus reads them from `k8s.v1.cni.cncf.io/networks`: either a comma list of
 * `[namespace/]name[@ifname]` or a JSON list of `{"name", "namespace", "interface"}`; the namespace defaults to the
 * pod's, interfaces without a name get `net1`, `net2`, ... by position. Read by the kubelet (which networks to add)
 * and the controller (which attachments get addresses from our IPAM). Pure.
 */
import { ANNOTATION_NETWORKS } from './annotations.ts';

export interface NetworkSelection {
  namespace: string;
  name: string;
  ifname: string;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
const IFNAME = /^[^\s/:]{1,15}$/;

function selection(
  raw: { namespace?: string; name: string; ifname?: string },
  podNamespace: string,
  index: number,
): NetworkSelection {
  const namespace = raw.namespace || podNamespace;
  if (!DNS_LABEL.test(raw.name))
    throw new Error(`network ${JSON.stringify(raw.name)}: not a valid object name`);
  if (!DNS_LABEL.test(namespace))
    throw new Error(`network ${raw.name}: namespace ${JSON.stringify(namespace)} is not valid`);
  const ifname = raw.ifname || `net${index + 1}`;
  if (!IFNAME.test(ifname))
    throw new Error(
      `network ${namespace}/${raw.name}: interface ${JSON.stringify(ifname)} is not a valid name`,
    );
  return { namespace, name: raw.name, ifname };
}

/** Parses the annotation (absent or blank: no networks); throws with a message naming the bad element. */
export function parseNetworks(annotation: string | undefined, podNamespace: string): NetworkSelection[] {
  const text = (annotation ?? '').trim();
  if (text === '') return [];
  let out: NetworkSelection[];
  if (text.startsWith('[')) {
    let list: unknown;
    try {
      list = JSON.parse(text);
    } catch (err) {
      throw new Error(`${ANNOTATION_NETWORKS} is not valid JSON: ${(err as Error).message}`);
    }
    if (!Array.isArray(list)) throw new Error(`${ANNOTATION_NETWORKS} must be a JSON list`);
    out = (list as unknown[]).map((item, i) => {
      const e = (item ?? {}) as { name?: unknown; namespace?: unknown; interface?: unknown };
      if (typeof e.name !== 'string') throw new Error(`${ANNOTATION_NETWORKS}[${i}]: name is required`);
      return selection(
        {
          name: e.name,
          ...(typeof e.namespace === 'string' ? { namespace: e.namespace } : {}),
          ...(typeof e.interface === 'string' ? { ifname: e.interface } : {}),
        },
        podNamespace,
        i,
      );
    });
  } else {
    out = text
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '')
      .map((element, i) => {
        const m = /^(?:([^/@]+)\/)?([^/@]+)(?:@(.+))?$/.exec(element);
        if (!m?.[2]) throw new Error(`${ANNOTATION_NETWORKS}: cannot read ${JSON.stringify(element)}`);
        return selection(
          { name: m[2], ...(m[1] ? { namespace: m[1] } : {}), ...(m[3] ? { ifname: m[3] } : {}) },
          podNamespace,
          i,
        );
      });
  }
  const seen = new Set<string>();
  for (const s of out) {
    if (s.ifname === 'eth0' || seen.has(s.ifname))
      throw new Error(`${ANNOTATION_NETWORKS}: interface ${s.ifname} is used twice`);
    seen.add(s.ifname);
  }
  return out;
}
