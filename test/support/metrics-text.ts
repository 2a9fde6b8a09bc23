// Reading a Prometheus text exposition in tests: the families with a TYPE line, and one sample's value.

/** The names of the families a scrape declares (`# TYPE <name> <type>`). */
export function typedFamilies(text: string): string[] {
  return [...text.matchAll(/^# TYPE (\S+) \S+$/gm)].map((m) => m[1]!);
}

/** The value of the sample whose name and labels are exactly `series` (e.g. `kovn_x{a="b"}`), if present. */
export function sampleValue(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

/** GET a metrics URL; the text of a 200 answer. */
export async function scrape(url: string): Promise<string> {
  const r = await fetch(url);
  if (r.status !== 200) throw new Error(`${url}: HTTP ${r.status}`);
  return r.text();
}
