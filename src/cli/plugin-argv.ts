/**
 * kubectl plugin conventions for the CLI: the name it runs under (`kubectl kovn` when started through
 * bin/kubectl-kovn, which sets `KOVN_PROGRAM`; else `kovn`), and global options typed before the command
 * (`kubectl kovn --kubeconfig F get vpc`), moved to just after it, where each command reads its options. Pure.
 */

export const programName = (env: NodeJS.ProcessEnv): string =>
  env['KOVN_PROGRAM'] === 'kubectl kovn' ? 'kubectl kovn' : 'kovn';

/** Global options that take a value (`--name V` or `--name=V`). */
const GLOBAL_OPTIONS = new Set(['--kubeconfig', '--context', '--namespace', '-n']);

/** `[globals..., command, rest...]` -> `[command, globals..., rest...]`; argv without leading globals is unchanged. */
export function hoistGlobalOptions(argv: readonly string[]): string[] {
  const globals: string[] = [];
  let i = 0;
  while (i < argv.length) {
    const arg = argv[i] ?? '';
    const eq = arg.indexOf('=');
    if (!GLOBAL_OPTIONS.has(eq === -1 ? arg : arg.slice(0, eq))) break;
    const width = eq === -1 ? 2 : 1;
    globals.push(...argv.slice(i, i + width));
    i += width;
  }
  const [command, ...rest] = argv.slice(i);
  return command === undefined ? [...globals] : [command, ...globals, ...rest];
}
