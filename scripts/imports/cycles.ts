// Cycles in a directed graph given as adjacency sets: the strongly connected components (Tarjan) that hold a cycle,
// each with one shortest cycle through it to show a reader. Generic: the import check runs it over files and folders.

export type Graph = ReadonlyMap<string, ReadonlySet<string>>;

export interface Tangle {
  /** The nodes of the component, sorted. */
  members: string[];
  /** One shortest cycle through the first member, closed (its last node is its first). */
  cycle: string[];
}

/** Strongly connected components, each as a list of nodes (Tarjan's algorithm, iterative). */
function components(graph: Graph): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const found: string[][] = [];
  let next = 0;
  const nodes = [...new Set([...graph.keys(), ...[...graph.values()].flatMap((s) => [...s])])].sort();
  for (const root of nodes) {
    if (index.has(root)) continue;
    const work: { node: string; out: string[] }[] = [];
    const enter = (node: string): void => {
      index.set(node, next);
      low.set(node, next++);
      stack.push(node);
      onStack.add(node);
      work.push({ node, out: [...(graph.get(node) ?? [])].sort() });
    };
    enter(root);
    while (work.length > 0) {
      const top = work[work.length - 1]!;
      const target = top.out.shift();
      if (target !== undefined) {
        if (!index.has(target)) enter(target);
        else if (onStack.has(target)) low.set(top.node, Math.min(low.get(top.node)!, index.get(target)!));
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.node, Math.min(low.get(parent.node)!, low.get(top.node)!));
      if (low.get(top.node) !== index.get(top.node)) continue;
      const component: string[] = [];
      for (let n = stack.pop(); n !== undefined; n = n === top.node ? undefined : stack.pop()) {
        onStack.delete(n);
        component.push(n);
      }
      found.push(component);
    }
  }
  return found;
}

/** The shortest path from `start` back to itself using only `within` (breadth-first). */
function shortestCycle(graph: Graph, start: string, within: ReadonlySet<string>): string[] {
  const previous = new Map<string, string>();
  const queue = [start];
  for (let i = 0; i < queue.length; i++) {
    const node = queue[i]!;
    for (const target of [...(graph.get(node) ?? [])].sort()) {
      if (!within.has(target)) continue;
      if (target === start) {
        const path = [start];
        for (let n: string | undefined = node; n !== undefined && n !== start; n = previous.get(n))
          path.push(n);
        return [...path, start].reverse();
      }
      if (previous.has(target)) continue;
      previous.set(target, node);
      queue.push(target);
    }
  }
  return [];
}

/** Every component of `graph` that holds a cycle (two or more nodes, or one that imports itself), sorted. */
export function findTangles(graph: Graph): Tangle[] {
  return components(graph)
    .filter(([only, ...rest]) => rest.length > 0 || (only !== undefined && graph.get(only)?.has(only)))
    .map((component) => {
      const members = component.sort();
      return { members, cycle: shortestCycle(graph, members[0]!, new Set(members)) };
    })
    .sort((a, b) => a.members[0]!.localeCompare(b.members[0]!));
}
