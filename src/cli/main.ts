/** The `kovn` command line: parses the sub-command and hands over to its module. */
import { parseArgs } from 'node:util';
import { validateCommand, type CommandIo } from './commands/validate.ts';
import { startCommand } from './commands/start.ts';
import { controllerCommand } from './commands/controller.ts';

const USAGE = `usage: kovn <command> [options]

commands:
  validate -f FILE|DIR [-f ...]   check manifests offline (schema and every rule the files alone decide)
  start                           the main job (what \`npm start\` runs)
  controller --kubeconfig F --ovn-nb-addr R   run the network controller (kube-ovn-controller)
  help                            this text`;

const io: CommandIo = { out: (line) => console.log(line), err: (line) => console.error(line) };

function main(argv: string[]): Promise<number> | number {
  const [command, ...rest] = argv;
  switch (command) {
    case 'validate': {
      const { values } = parseArgs({
        args: rest,
        options: { filename: { type: 'string', short: 'f', multiple: true } },
      });
      return validateCommand(values.filename ?? [], io);
    }
    case 'start':
      return startCommand(io);
    case 'controller':
      return controllerCommand(rest, io);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      io.out(USAGE);
      return 0;
    default:
      io.err(`kovn: unknown command ${JSON.stringify(command)}\n${USAGE}`);
      return 2;
  }
}

Promise.resolve()
  .then(() => main(process.argv.slice(2)))
  .then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(`kovn: ${error instanceof Error ? error.message : String(error)}`);
      process.exitCode = 1;
    },
  );
