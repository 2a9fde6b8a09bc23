/**
 * `kovn start` (what `npm start` runs). The lab (OVN/OVS dataplane, API server, controller) is not wired up yet;
 * until it is, the main job checks the seed's example manifests offline and says so.
 */
import { join } from 'node:path';
import { validateCommand, type CommandIo } from './validate.ts';

export function startCommand(io: CommandIo): number {
  const examples = join(import.meta.dirname, '..', '..', '..', 'examples', 'seed');
  io.out('kovn: dependencies are installed (Node 24, OVN/OVS, CNI plugins, kubectl).');
  io.out(`kovn: validating the seed's example manifests (${examples}):`);
  const code = validateCommand([examples], io);
  io.out('kovn: the single-machine lab (`kovn up`) is not built yet; see the open issues.');
  return code;
}
