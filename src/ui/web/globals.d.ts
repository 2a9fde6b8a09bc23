// The page's globals: the vendor scripts index.html loads as classic <script>s before the modules (cytoscape and the
// fcose layout, UMD builds served from node_modules under /vendor/), and the test hook app.js sets.
import type cytoscapeLib from 'cytoscape';
import type { Topology, TraceResult } from '../topology-types.ts';

declare global {
  const cytoscape: typeof cytoscapeLib;
  /** cytoscape-fcose's extension; `cytoscape.use(cytoscapeFcose)` registers the `fcose` layout. */
  const cytoscapeFcose: cytoscapeLib.Ext;

  /** What the browser test reads and drives. */
  interface KovnUi {
    cy: cytoscapeLib.Core;
    topology: Topology | undefined;
    renders: number;
    lastRenderMs: number;
    trace(source: string, dest: string): Promise<TraceResult>;
  }

  interface Window {
    kovnUi: KovnUi;
  }
}
