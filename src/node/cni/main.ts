/**
 * The CNI plugin as a Node process of its own, speaking Kube-OVN's protocol (`/api/v1/add`, `del`, `check`) to the
 * agent: what bin/kovn-cni was before the shim (docs/adr/0031), kept for debugging (`node src/node/cni/main.ts`
 * with the CNI environment and stdin; `NODE_OPTIONS=--cpu-prof` and breakpoints work) and as a client of the
 * Kube-OVN-compatible endpoints. Reads the environment and stdin, runs plugin.ts, prints what it answers.
 */
import { execCni } from './plugin.ts';

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) return '';
  let text = '';
  process.stdin.setEncoding('utf8');
  for await (const chunk of process.stdin) text += chunk as string;
  return text;
}

const outcome = await execCni(process.env, await readStdin());
process.stdout.write(outcome.stdout);
process.exitCode = outcome.exitCode;
