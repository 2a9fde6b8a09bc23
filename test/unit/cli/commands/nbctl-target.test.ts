import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  chooseNbTarget,
  kubectlGlobals,
  parseNbctlArgs,
  type NbctlArgs,
  type NbTarget,
} from '../../../../src/cli/commands/nbctl-target.ts';
import type { KubeconfigSource } from '../../../../src/cli/kube/kubeconfig.ts';

const none: NbctlArgs = { ovnNbAddr: undefined, kubeconfig: undefined, context: undefined, nbctlArgs: [] };

describe('kovn nbctl: its own leading options, the rest for ovn-nbctl', () => {
  const cases: Array<[string[], NbctlArgs | { error: string }]> = [
    [['show'], { ...none, nbctlArgs: ['show'] }],
    [['--ovn-nb-addr', 'unix:/s', 'show'], { ...none, ovnNbAddr: 'unix:/s', nbctlArgs: ['show'] }],
    [
      ['--ovn-nb-addr=tcp:1.2.3.4:6641', 'ls-list'],
      { ...none, ovnNbAddr: 'tcp:1.2.3.4:6641', nbctlArgs: ['ls-list'] },
    ],
    [
      ['--kubeconfig', 'F', '--context=c', 'show', 'x'],
      { ...none, kubeconfig: 'F', context: 'c', nbctlArgs: ['show', 'x'] },
    ],
    // ovn-nbctl's own options and `--` separators stay, and kovn's are read only from the front
    [
      ['--format=csv', 'list', 'Logical_Switch', '--', '--ovn-nb-addr', 'x'],
      { ...none, nbctlArgs: ['--format=csv', 'list', 'Logical_Switch', '--', '--ovn-nb-addr', 'x'] },
    ],
    [['--', 'ls-add', 'a'], { ...none, nbctlArgs: ['--', 'ls-add', 'a'] }],
    [[], none],
    [['--ovn-nb-addr'], { error: 'option --ovn-nb-addr needs a value' }],
    [['--context=', 'show'], { error: 'option --context needs a value' }],
  ];
  for (const [args, want] of cases)
    it(args.join(' ') || '(none)', () => assert.deepEqual(parseNbctlArgs(args), want));
});

describe('kovn nbctl: which NB', () => {
  const lab = { labKubeconfig: '/h/.kovn/kubeconfig', labCentralDir: '/h/.kovn/central' };
  const labTarget: NbTarget = {
    kind: 'lab',
    db: 'unix:/h/.kovn/central/nb.sock',
    centralDir: '/h/.kovn/central',
  };
  const src = (from: KubeconfigSource['from'], ...paths: string[]): KubeconfigSource => ({ from, paths });
  const cases: Array<[string, NbctlArgs, NodeJS.ProcessEnv, KubeconfigSource, NbTarget]> = [
    [
      '--ovn-nb-addr first',
      { ...none, ovnNbAddr: 'tcp:a:1' },
      { OVN_NB_ADDR: 'tcp:b:2' },
      src('lab', lab.labKubeconfig),
      { kind: 'remote', db: 'tcp:a:1' },
    ],
    [
      'then OVN_NB_ADDR',
      none,
      { OVN_NB_ADDR: 'tcp:b:2' },
      src('KUBECONFIG', '/real'),
      { kind: 'remote', db: 'tcp:b:2' },
    ],
    ['an empty OVN_NB_ADDR is unset', none, { OVN_NB_ADDR: '' }, src('lab', lab.labKubeconfig), labTarget],
    ['no kubeconfig named: the lab', none, {}, src('lab', lab.labKubeconfig), labTarget],
    [
      '--kubeconfig naming the lab’s',
      { ...none, kubeconfig: '/h/.kovn/../.kovn/kubeconfig' },
      {},
      src('--kubeconfig', '/h/.kovn/../.kovn/kubeconfig'),
      labTarget,
    ],
    ['KUBECONFIG naming the lab’s', none, {}, src('KUBECONFIG', lab.labKubeconfig), labTarget],
    [
      'KUBECONFIG elsewhere: the cluster',
      none,
      {},
      src('KUBECONFIG', '/real'),
      { kind: 'cluster', kubeconfig: undefined, context: undefined },
    ],
    [
      'KUBECONFIG list holding the lab’s among others: the cluster',
      none,
      {},
      src('KUBECONFIG', lab.labKubeconfig, '/real'),
      { kind: 'cluster', kubeconfig: undefined, context: undefined },
    ],
    [
      '--kubeconfig and --context: the cluster, both kept',
      { ...none, kubeconfig: '/real', context: 'prod' },
      {},
      src('--kubeconfig', '/real'),
      { kind: 'cluster', kubeconfig: '/real', context: 'prod' },
    ],
  ];
  for (const [name, args, env, source, want] of cases) {
    it(name, () => assert.deepEqual(chooseNbTarget({ args, env, source, ...lab }), want));
  }
});

describe('kovn nbctl: kubectl options for a cluster', () => {
  const cases: Array<[{ kubeconfig: string | undefined; context: string | undefined }, string[]]> = [
    [{ kubeconfig: undefined, context: undefined }, ['-n', 'kube-system']],
    [{ kubeconfig: '/k', context: undefined }, ['--kubeconfig', '/k', '-n', 'kube-system']],
    [{ kubeconfig: '/k', context: 'c' }, ['--kubeconfig', '/k', '--context', 'c', '-n', 'kube-system']],
  ];
  for (const [target, want] of cases)
    it(JSON.stringify(target), () => assert.deepEqual(kubectlGlobals(target), want));
});
