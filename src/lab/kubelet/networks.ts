/**
 * A NetworkAttachmentDefinition's `spec.config` as a CNI configuration list (a single plugin config becomes a
 * one-plugin list; the NAD's name stands in for a missing `name`). Which networks a pod asks for is read by
 * src/api/networks-annotation.ts. Pure.
 */

export interface PluginConf {
  type: string;
  [key: string]: unknown;
}

export interface ConfList {
  cniVersion: string;
  name: string;
  plugins: PluginConf[];
}

/** A CNI config document (a list with `plugins`, or one plugin) as a list; `fallbackName` fills a missing `name`. */
export function confListOf(text: string, fallbackName: string): ConfList {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new Error(`CNI config is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc))
    throw new Error('CNI config is not a JSON object');
  const d = doc as Record<string, unknown>;
  const cniVersion = typeof d['cniVersion'] === 'string' ? d['cniVersion'] : '';
  if (!cniVersion) throw new Error('CNI config has no cniVersion');
  const name = typeof d['name'] === 'string' && d['name'] ? d['name'] : fallbackName;
  if (Array.isArray(d['plugins'])) {
    const plugins = d['plugins'] as unknown[];
    if (!plugins.length) throw new Error(`CNI config list ${name} has no plugins`);
    return {
      cniVersion,
      name,
      plugins: plugins.map((p, i) => {
        if (typeof p !== 'object' || p === null || typeof (p as { type?: unknown }).type !== 'string')
          throw new Error(`CNI config list ${name}: plugins[${i}] has no type`);
        return p as PluginConf;
      }),
    };
  }
  if (typeof d['type'] !== 'string' || !d['type']) throw new Error(`CNI config ${name} has no type`);
  const { cniVersion: _v, name: _n, ...plugin } = d;
  return { cniVersion, name, plugins: [plugin as PluginConf] };
}
