/**
 * Response negotiation from the Accept header: a server-side Table (meta.k8s.io v1 or v1beta1), a
 * PartialObjectMetadata(List), plain JSON, or YAML; protobuf-only clients get 406 (every client we serve
 * lists JSON as an alternative).
 */
import { notAcceptable } from '../status.ts';

export type Representation =
  | { as: 'object'; yaml: boolean }
  | { as: 'table'; apiVersion: string }
  | { as: 'metadata'; apiVersion: string };

interface MediaRange {
  type: string;
  params: Record<string, string>;
}

function parseAccept(header: string): MediaRange[] {
  return header
    .split(',')
    .map((part) => {
      const [type = '', ...rest] = part.split(';').map((s) => s.trim());
      const params: Record<string, string> = {};
      for (const p of rest) {
        const eq = p.indexOf('=');
        if (eq > 0) params[p.slice(0, eq).trim()] = p.slice(eq + 1).trim();
      }
      return { type: type.toLowerCase(), params };
    })
    .filter((m) => m.type !== '');
}

export function negotiate(accept: string | undefined, allowTable: boolean): Representation {
  if (!accept) return { as: 'object', yaml: false };
  for (const m of parseAccept(accept)) {
    if (m.type === 'application/json' && m.params.as) {
      const g = m.params.g;
      const v = m.params.v;
      if (g !== 'meta.k8s.io' || (v !== 'v1' && v !== 'v1beta1')) continue;
      if (m.params.as === 'Table' && allowTable) return { as: 'table', apiVersion: `meta.k8s.io/${v}` };
      if (m.params.as === 'PartialObjectMetadata' || m.params.as === 'PartialObjectMetadataList') {
        return { as: 'metadata', apiVersion: `meta.k8s.io/${v}` };
      }
      continue;
    }
    if (m.type === 'application/json' || m.type === '*/*' || m.type === 'application/*')
      return { as: 'object', yaml: false };
    if (m.type === 'application/yaml') return { as: 'object', yaml: true };
  }
  throw notAcceptable(['application/json', 'application/yaml']);
}
