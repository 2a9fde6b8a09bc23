/**
 * `kovn install [--mode primary|secondary] [--ovn-nb-addr R] [--ovn-sb-addr R] [--image REF] [--namespace NS]
 * [--ovn-central-replicas 1|3]`: prints the YAML stream that installs kovn in a cluster (src/install), for
 * `kubectl apply -f -`. deploy/kovn.yaml is the default rendering (scripts/gen-install.ts keeps it current).
 */
import { InstallOptionError, INSTALL_USAGE, parseInstallOptions } from '../../install/options.ts';
import { renderInstall } from '../../install/render.ts';
import type { CommandIo } from './validate.ts';

export function installCommand(args: string[], io: CommandIo, write: (text: string) => void): number {
  try {
    write(renderInstall(parseInstallOptions(args)));
    return 0;
  } catch (err) {
    if (!(err instanceof InstallOptionError)) throw err;
    io.err(`kovn install: ${err.message}\n${INSTALL_USAGE}`);
    return 2;
  }
}
