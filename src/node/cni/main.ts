/**
 * kovn-cni: the CNI plugin binary (`bin/kovn-cni`, installed as `kube-ovn` on a runtime's CNI_PATH). Thin, like
 * Kube-OVN's: reads the environment and stdin, runs plugin.ts, prints the result; a failure is printed as a CNI
 * error object on stdout with exit code 1.
 */
import { runCni, versionOf } from './plugin.ts';
import { CniError } from './spec.ts';

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) return '';
  let text = '';
  process.stdin.setEncoding('utf8');
  for await (const chunk of process.stdin) text += chunk as string;
  return text;
}

async function main(): Promise<void> {
  const stdin = await readStdin();
  try {
    const out = await runCni(process.env, stdin);
    if (out) process.stdout.write(`${out}\n`);
  } catch (err) {
    const cniErr =
      err instanceof CniError
        ? err
        : new CniError(999, 'kovn-cni failed', (err as Error).message ?? String(err));
    process.stdout.write(`${JSON.stringify(cniErr.toJSON(versionOf(stdin)))}\n`);
    process.exitCode = 1;
  }
}

await main();
