// The import rules for src/, as pure functions over the import graph (repository paths such as src/lab/daemon.ts):
// no file cycle; no cycle between top-level folders; only the allowed folders import src/controller; nothing in src/
// imports test/ (or anything else outside src/); every folder is in the layer table and imports only what its row
// allows; the table itself has no cycle. Each problem comes back as one readable line.
import { findTangles, type Graph } from './cycles.ts';

export interface ImportEdge {
  /** The importing file, e.g. `src/lab/daemon.ts`. */
  from: string;
  /** The imported file, e.g. `src/kube/request.ts`. */
  to: string;
  line: number;
}

export type LayerTable = Readonly<Record<string, readonly string[]>>;

export interface ImportRules {
  layers: LayerTable;
  controllerImporters: readonly string[];
}

export type Rule = 'file-cycle' | 'folder-cycle' | 'controller' | 'outside-src' | 'layer' | 'layer-table';

export interface Violation {
  rule: Rule;
  message: string;
}

/** The top-level folder of src/ a path is in (`src/lab/x/y.ts` -> `lab`), or undefined outside src/. */
export function folderOf(path: string): string | undefined {
  const parts = path.split('/');
  return parts[0] === 'src' && parts.length >= 2 ? parts[1] : undefined;
}

const at = (e: ImportEdge): string => `${e.from}:${e.line}`;

function graphOf(pairs: Iterable<[string, string]>): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const [from, to] of pairs) {
    const out = graph.get(from) ?? new Set<string>();
    out.add(to);
    graph.set(from, out);
  }
  return graph;
}

function fileCycles(edges: readonly ImportEdge[]): Violation[] {
  return findTangles(graphOf(edges.map((e) => [e.from, e.to]))).map(({ members, cycle }) => {
    // The shortest cycle shown may leave out some of the files caught in the same knot: name them all then.
    const all = members.length > cycle.length - 1;
    const more = all ? ` (${members.length} files import each other in all: ${members.join(', ')})` : '';
    return { rule: 'file-cycle', message: `file cycle: ${cycle.join(' -> ')}${more}` };
  });
}

function folderCycles(edges: readonly ImportEdge[]): Violation[] {
  const sample = new Map<string, ImportEdge>();
  for (const e of edges) {
    const from = folderOf(e.from);
    const to = folderOf(e.to);
    if (from !== undefined && to !== undefined && from !== to && !sample.has(`${from} ${to}`))
      sample.set(`${from} ${to}`, e);
  }
  const graph: Graph = graphOf([...sample.keys()].map((k) => k.split(' ') as [string, string]));
  return findTangles(graph).map(({ cycle }) => {
    const witnesses = cycle.slice(1).map((to, i) => {
      const e = sample.get(`${cycle[i]} ${to}`)!;
      return `${at(e)} imports ${e.to}`;
    });
    return { rule: 'folder-cycle', message: `folder cycle: ${cycle.join(' -> ')} (${witnesses.join('; ')})` };
  });
}

/** Edges that leave src/ or reach src/controller from a folder that may not; the layer check skips these. */
function guardViolations(edges: readonly ImportEdge[], rules: ImportRules): Map<ImportEdge, Violation> {
  const found = new Map<ImportEdge, Violation>();
  for (const e of edges) {
    const from = folderOf(e.from);
    const to = folderOf(e.to);
    if (from === undefined) continue;
    if (to === undefined) {
      const what = e.to.startsWith('test/')
        ? 'src/ must not import test/ (tests hand their doubles in)'
        : 'src/ imports nothing outside src/';
      found.set(e, { rule: 'outside-src', message: `${at(e)} imports ${e.to}: ${what}` });
    } else if (to === 'controller' && from !== 'controller' && !rules.controllerImporters.includes(from)) {
      const who = rules.controllerImporters.map((f) => `src/${f}`).join(', ');
      found.set(e, {
        rule: 'controller',
        message: `${at(e)} imports ${e.to}: only ${who} may import src/controller (it is a program, not a library)`,
      });
    }
  }
  return found;
}

function layerViolations(
  files: readonly string[],
  edges: readonly ImportEdge[],
  rules: ImportRules,
): Violation[] {
  const found: Violation[] = [];
  const unplaced = new Set(files.map(folderOf).filter((f) => f !== undefined && !(f in rules.layers)));
  for (const folder of [...unplaced].sort())
    found.push({ rule: 'layer', message: `src/${folder} is not in the layer table: give it a row` });
  const broken = new Map<string, ImportEdge[]>();
  for (const e of edges) {
    const from = folderOf(e.from);
    const to = folderOf(e.to);
    if (from === undefined || to === undefined || from === to || unplaced.has(from)) continue;
    if (rules.layers[from]?.includes(to)) continue;
    broken.set(`${from} ${to}`, [...(broken.get(`${from} ${to}`) ?? []), e]);
  }
  for (const [pair, list] of [...broken].sort(([a], [b]) => a.localeCompare(b))) {
    const [from = '', to = ''] = pair.split(' ');
    const allowed = rules.layers[from]?.join(', ') || 'nothing';
    found.push({
      rule: 'layer',
      message: `layer: src/${from} may not import src/${to} (it may import: ${allowed}): ${list.map(at).join(', ')}`,
    });
  }
  return found;
}

/** The table must itself be layered: no cycle, and every folder it names has a row. */
export function layerTableProblems(layers: LayerTable): Violation[] {
  const problems: Violation[] = [];
  for (const [folder, allowed] of Object.entries(layers))
    for (const to of allowed)
      if (!(to in layers))
        problems.push({
          rule: 'layer-table',
          message: `layer table: ${folder} lists ${to}, which has no row`,
        });
  const pairs = Object.entries(layers).flatMap(([from, allowed]) =>
    allowed.map((to): [string, string] => [from, to]),
  );
  for (const { cycle } of findTangles(graphOf(pairs)))
    problems.push({ rule: 'layer-table', message: `layer table: cycle ${cycle.join(' -> ')}` });
  return problems;
}

/** Every problem in the import graph of `files` (all files of src/) with `edges` (their relative imports). */
export function checkImports(
  files: readonly string[],
  edges: readonly ImportEdge[],
  rules: ImportRules,
): Violation[] {
  const guarded = guardViolations(edges, rules);
  const layered = edges.filter((e) => !guarded.has(e));
  return [
    ...layerTableProblems(rules.layers),
    ...fileCycles(edges),
    ...folderCycles(edges),
    ...guarded.values(),
    ...layerViolations(files, layered, rules),
  ];
}
