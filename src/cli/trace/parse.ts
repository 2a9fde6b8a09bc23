/**
 * Reads ovn-trace's detailed output (the default format) into sections and logical flows: each
 * `ingress(dp="R", inport="P")` / `egress(...)` header starts a section, each `N. stage (source): match, priority P,
 * uuid U` line a flow, and the indented lines under it are that flow's actions (comments such as
 * `/* output to "p", type "" *\/` included). Pure, so the summariser can be tested on captured traces.
 */

export interface TraceFlow {
  table: number;
  stage: string;
  match: string;
  priority: number;
  actions: string[];
}

export interface TraceSection {
  direction: 'ingress' | 'egress';
  datapath: string;
  inport: string;
  outport: string | undefined;
  flows: TraceFlow[];
}

const SECTION = /^(ingress|egress)\(dp="([^"]*)", inport="([^"]*)"(?:, outport="([^"]*)")?\)$/;
const FLOW = /^\s*(\d+)\. (\w+) \([^)]*\): (.*), priority (\d+), uuid [0-9a-f]+$/;

export function parseTrace(text: string): TraceSection[] {
  const sections: TraceSection[] = [];
  let flow: TraceFlow | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trimEnd();
    const header = SECTION.exec(line.trim());
    if (header) {
      sections.push({
        direction: header[1] as 'ingress' | 'egress',
        datapath: header[2]!,
        inport: header[3]!,
        outport: header[4],
        flows: [],
      });
      flow = undefined;
      continue;
    }
    const f = FLOW.exec(line);
    const section = sections.at(-1);
    if (f && section) {
      flow = { table: Number(f[1]), stage: f[2]!, match: f[3]!, priority: Number(f[4]), actions: [] };
      section.flows.push(flow);
      continue;
    }
    if (flow && /^\s{4,}\S/.test(line) && !/^-+$/.test(line.trim())) flow.actions.push(line.trim());
  }
  return sections;
}

/** The value assigned to `register` by the actions (`reg0 = 10.0.0.1;` -> `10.0.0.1`). */
export function assigned(actions: readonly string[], register: string): string | undefined {
  const prefix = `${register} = `;
  const hit = actions.find((a) => a.startsWith(prefix));
  return hit?.slice(prefix.length).replace(/;$/, '');
}
