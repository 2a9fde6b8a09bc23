// Child process of the teardown test: brings a lab up (central + nodes a and b + one pod), prints "ready", then
// dies with SIGKILL as a crashed daemon would, leaving only the ledger to say what it made.
// Usage: node dataplane-crash-child.ts HOME LAB_ID
import { startDataplane } from '../../../src/lab/dataplane/dataplane.ts';
import { labLayout } from '../../../src/lab/layout.ts';
import { addPod } from './dataplane-support.ts';

const [home, id] = process.argv.slice(2);
if (!home || !id) throw new Error('usage: dataplane-crash-child.ts HOME LAB_ID');
const dp = await startDataplane({ layout: labLayout(home, id), nodes: ['a', 'b'], detached: true });
await addPod(dp, 'a', { name: 'c1', mac: '0a:58:0a:00:02:0a', ip: '10.0.2.10' });
process.stdout.write('ready\n', () => process.kill(process.pid, 'SIGKILL'));
