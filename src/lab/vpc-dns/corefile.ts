/**
 * What the lab's DNS server takes from a CoreDNS Corefile (pure): the first server block's port (`.:53`), the zones
 * of its `kubernetes` plugin (the names it answers from Services and Endpoints; `cluster.local` when the plugin names
 * none) with its `namespaces` option, and the destinations of `forward . <to...>` (other names go there; `/etc/resolv.conf` means the nameservers
 * that file lists). Plugins we do not run (cache, health, prometheus, ...) are listed as ignored so the lab can say
 * so. A Corefile without a server block or with unbalanced braces is an error that names the line.
 */

export interface CorefileIntent {
  port: number;
  /** Zones answered from the cluster, lower case without a trailing dot. */
  zones: string[];
  /** The `namespaces` option of the `kubernetes` plugin: only these namespaces' Services (empty: all). */
  namespaces: string[];
  /** `forward` destinations as written (`/etc/resolv.conf`, `8.8.8.8`, `10.0.0.1:5353`). */
  forward: string[];
  /** Plugins of the block that the lab's server does not implement. */
  ignored: string[];
}

interface Directive {
  name: string;
  args: string[];
  line: number;
  body: Directive[];
}

function tokenize(text: string): { token: string; line: number }[] {
  const out: { token: string; line: number }[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/#.*$/, '');
    for (const m of line.matchAll(/[{}]|[^\s{}]+/g)) out.push({ token: m[0], line: i + 1 });
    out.push({ token: '\n', line: i + 1 });
  });
  return out;
}

function parseBlock(
  tokens: { token: string; line: number }[],
  at: { i: number },
  nested: boolean,
): Directive[] {
  const out: Directive[] = [];
  let current: Directive | undefined;
  while (at.i < tokens.length) {
    const { token, line } = tokens[at.i++]!;
    if (token === '\n') {
      current = undefined;
      continue;
    }
    if (token === '}') {
      if (!nested) throw new Error(`Corefile line ${line}: unexpected "}"`);
      return out;
    }
    if (token === '{') {
      if (!current) throw new Error(`Corefile line ${line}: "{" without a name before it`);
      current.body = parseBlock(tokens, at, true);
      current = undefined;
      continue;
    }
    if (current) current.args.push(token);
    else out.push((current = { name: token, args: [], line, body: [] }));
  }
  if (nested) throw new Error('Corefile: a "{" is never closed');
  return out;
}

const normalizeZone = (zone: string): string => zone.toLowerCase().replace(/\.$/, '');

export function parseCorefile(text: string): CorefileIntent {
  const blocks = parseBlock(tokenize(text), { i: 0 }, false);
  const server = blocks[0];
  if (!server) throw new Error('Corefile: no server block (e.g. ".:53 { ... }")');
  const portText = /:(\d+)$/.exec(server.name)?.[1];
  const intent: CorefileIntent = {
    port: portText ? Number(portText) : 53,
    zones: [],
    namespaces: [],
    forward: [],
    ignored: [],
  };
  for (const plugin of server.body) {
    if (plugin.name === 'kubernetes') {
      intent.zones = plugin.args.length ? plugin.args.map(normalizeZone) : ['cluster.local'];
      intent.namespaces = plugin.body.find((d) => d.name === 'namespaces')?.args ?? [];
    } else if (plugin.name === 'forward') {
      intent.forward = plugin.args.slice(1);
    } else {
      intent.ignored.push(plugin.name);
    }
  }
  return intent;
}

/** The nameservers `resolv.conf` text lists. */
export function resolvConfNameservers(text: string): string[] {
  return [...text.matchAll(/^\s*nameserver\s+(\S+)/gm)].map((m) => m[1]!);
}
