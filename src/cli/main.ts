/** The `kovn` command line: parses the sub-command and hands over to its module. */
import { enableCompileCache } from 'node:module';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { CommandIo } from './commands/validate.ts';
import { hoistGlobalOptions, programName } from './plugin-argv.ts';

// Every Node process kovn starts (lab daemon, node agents, CNI calls, responders) inherits this and starts faster
// from compiled code kept under node_modules/.cache (a pod start spawns several of them).
process.env['NODE_COMPILE_CACHE'] ??= fileURLToPath(
  new URL('../../node_modules/.cache/kovn-node', import.meta.url),
);
enableCompileCache(process.env['NODE_COMPILE_CACHE']);

const program = programName(process.env);
delete process.env['KOVN_PROGRAM']; // the name is this process's; what it starts runs as kovn

const USAGE = `usage: ${program} <command> [options]

commands:
  up [--id ID] [--nodes A,B]      start the single-machine lab (.kovn/, KOVN_HOME overrides) and wait until ready
                                  (id and nodes apply to a new lab: namespace prefix, node names)
     [--enable-tproxy=BOOL]       kubelet probes into custom VPCs through the node agents' TProxy (default true)
     [--cni-mode primary|secondary]  secondary: pods' eth0 from the cluster CNI (ptp), kovn only serves the networks
                                  a NAD of type kube-ovn names (kovn install --mode secondary; a new lab only)
  down                            stop the lab and remove every namespace, process and file it made
  down --id ID                    remove what a dead lab with that id left on this machine (namespaces, processes)
  status                          each lab component's health (exit 0 only when all run)
  exec NS/POD -- CMD [ARGS...]    run a command inside a lab pod's network namespace (exit code passed through)
  exec --upstream SUBNET -- CMD   run a command in the upstream namespace of an external Subnet
  exec --node-network -- CMD      run a command on the node network's outside host (192.0.2.1)
  trace NS/POD DEST [--tcp P|--udp P] [--raw]
                                  explain a lab packet's path with ovn-trace: routers, the route and policy
                                  that matched (Vpc spec entry), next hop, verdict (--raw: full ovn-trace)
  validate -f FILE|DIR [-f ...]   check manifests offline (schema and every rule the files alone decide)
  apply -f FILE|DIR [-f ...]      create or update objects as \`kubectl apply\` does (interoperates with it)
  delete -f FILE|DIR [-f ...]     delete the objects (--ignore-not-found, --wait=false)
  get KIND [NAME ...]             list or show objects (-n NS | -A, -o yaml|json|wide, -l SELECTOR)
                                  apply/delete/get use --kubeconfig PATH, else KUBECONFIG,
                                  else the lab's (.kovn/kubeconfig)
  nbctl [--ovn-nb-addr R] ARGS... ovn-nbctl ARGS against the NB: R (or OVN_NB_ADDR), else the lab's when the
                                  kubeconfig is the lab's, else exec'd in the NB leader's ovn-central pod (kube-system),
                                  as \`kubectl ko nbctl\`; writes are not refused (--kubeconfig F, --context C)
  ui [--kubeconfig F] [--listen HOST:PORT] [--ovn-nb-addr R] [--ovn-sb-addr R]
                                  serve the live topology page (default 127.0.0.1:10670) and print its URL;
                                  the lab's kubeconfig, NB and SB unless told otherwise (\`kovn up\` starts one)
  install [--mode primary|secondary] [--ovn-nb-addr R] [--image REF] [--namespace NS] [--ovn-central-replicas 1|3]
                                  print the YAML that installs kovn in a cluster: \`kovn install | kubectl apply -f -\`
  start                           the main job (what \`npm start\` runs)
  controller [--kubeconfig F] [--ovn-nb-addr R]   run the network controller (kube-ovn-controller); in a pod:
                                  the service account, OVN_NB_ADDR / OVN_DB_IPS / OVN_NB_SERVICE_HOST
  help                            this text

As a kubectl plugin (bin/kubectl-kovn on PATH): \`kubectl kovn <command>\`; global options (--kubeconfig, -n,
--context) may come before the command.`;

const io: CommandIo = { out: (line) => console.log(line), err: (line) => console.error(line) };

/** `kovn up`: its flags checked here, the lab started by commands/lab.ts. */
function up(rest: string[]): Promise<number> | number {
  const { values } = parseArgs({
    args: rest.map((a) => (a === '--enable-tproxy' ? '--enable-tproxy=true' : a)),
    options: {
      id: { type: 'string' },
      nodes: { type: 'string' },
      'enable-tproxy': { type: 'string' },
      'cni-mode': { type: 'string' },
    },
  });
  const tproxy = values['enable-tproxy'];
  const cniMode = values['cni-mode'];
  if (cniMode !== undefined && cniMode !== 'primary' && cniMode !== 'secondary') {
    io.err(`kovn up: --cni-mode ${JSON.stringify(cniMode)}: want primary or secondary`);
    return 2;
  }
  if (tproxy !== undefined && tproxy !== 'true' && tproxy !== 'false') {
    io.err(`kovn up: --enable-tproxy=${JSON.stringify(tproxy)}: want true or false`);
    return 2;
  }
  return import('./commands/lab.ts').then((m) =>
    m.upCommand(io, {
      ...(values.id ? { id: values.id } : {}),
      ...(values.nodes ? { nodes: values.nodes.split(',').map((n) => n.trim()) } : {}),
      ...(tproxy === undefined ? {} : { enableTproxy: tproxy === 'true' }),
      ...(cniMode === undefined ? {} : { cniMode }),
    }),
  );
}

function main(argv: string[]): Promise<number> | number {
  const [command, ...rest] = argv;
  switch (command) {
    case 'validate': {
      const { values } = parseArgs({
        args: rest,
        options: { filename: { type: 'string', short: 'f', multiple: true } },
      });
      return import('./commands/validate.ts').then((m) => m.validateCommand(values.filename ?? [], io));
    }
    // Commands are loaded on demand, so each pays only for its own imports (client-node alone costs ~1 s).
    case 'start':
      return import('./commands/start.ts').then((m) => m.startCommand(io));
    case 'apply':
      return import('./commands/apply.ts').then((m) => m.applyCommand(rest, io));
    case 'delete':
      return import('./commands/delete.ts').then((m) => m.deleteCommand(rest, io));
    case 'get':
      return import('./commands/get.ts').then((m) => m.getCommand(rest, io));
    case 'controller':
      return import('./commands/controller.ts').then((m) => m.controllerCommand(rest, io));
    case 'up':
      return up(rest);
    case 'down': {
      const { values } = parseArgs({ args: rest, options: { id: { type: 'string' } } });
      return import('./commands/lab.ts').then((m) =>
        m.downCommand(io, values.id === undefined ? {} : { id: values.id }),
      );
    }
    case 'exec':
      return import('./commands/exec.ts').then((m) => m.execCommand(rest, io));
    case 'status':
      return import('./commands/lab.ts').then((m) => m.statusCommand(io));
    case 'trace':
      return import('./commands/trace.ts').then((m) => m.traceCommand(rest, io));
    case 'install':
      return import('./commands/install.ts').then((m) =>
        m.installCommand(rest, io, (text) => process.stdout.write(text)),
      );
    case 'ui':
      return import('./commands/ui.ts').then((m) => m.uiCommand(rest, io));
    case 'nbctl':
      return import('./commands/nbctl.ts').then((m) =>
        m.nbctlCommand(rest, {
          stdout: (text) => process.stdout.write(text),
          stderr: (text) => process.stderr.write(text),
        }),
      );
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      io.out(USAGE);
      return 0;
    default:
      io.err(`${program}: unknown command ${JSON.stringify(command)}\n${USAGE}`);
      return 2;
  }
}

Promise.resolve()
  .then(() => main(hoistGlobalOptions(process.argv.slice(2))))
  .then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(`${program}: ${error instanceof Error ? error.message : String(error)}`);
      process.exitCode = 1;
    },
  );
