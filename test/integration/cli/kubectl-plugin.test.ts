/**
 * bin/kubectl-kovn as kubectl runs it: found on PATH by `kubectl plugin list`, `kubectl kovn help` naming itself
 * `kubectl kovn`, `kubectl kovn get` against a real embedded API server, and `kubectl kovn nbctl` against a real NB
 * ovsdb-server (named, or found where the lab keeps its own), its output and a failing exit code passed through.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { kubectlPath, lines, repo, startCliLab, type CliLab, type Run } from './helpers.ts';
import { startNb, type NbFixture } from '../../support/ovsdb-server.ts';

const skip = kubectlPath ? false : 'kubectl is not installed';

describe('kubectl kovn: the CLI as a kubectl plugin', { skip }, () => {
  let pathDir: string;
  let lab: CliLab;
  let nb: NbFixture;
  /** kubectl with only the plugin's directory and the system's ahead of it on PATH. */
  const kubectlWith = (extra: NodeJS.ProcessEnv, ...args: string[]): Promise<Run> =>
    new Promise((resolve) => {
      const path = `${pathDir}:${process.env['PATH'] ?? ''}`;
      const env = { ...process.env, PATH: path, KUBECONFIG: '', KOVN_HOME: join(lab.dir, 'home'), ...extra };
      execFile(kubectlPath ?? 'kubectl', args, { env, timeout: 60_000 }, (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
      });
    });
  const kubectl = (...args: string[]): Promise<Run> => kubectlWith({}, ...args);

  before(async () => {
    pathDir = mkdtempSync(join(tmpdir(), 'kovn-plugin-path-'));
    symlinkSync(join(repo, 'bin/kubectl-kovn'), join(pathDir, 'kubectl-kovn'));
    lab = await startCliLab();
    nb = await startNb({ tcpPort: false });
  });
  after(async () => {
    await nb?.cleanup();
    await lab?.close();
    rmSync(pathDir, { recursive: true, force: true });
  });

  it('kubectl plugin list names it', async () => {
    const r = await kubectl('plugin', 'list');
    assert.ok(lines(r.stdout).includes(join(pathDir, 'kubectl-kovn')), `${r.stdout}\n${r.stderr}`);
  });

  it('kubectl kovn help: exit 0, the usage names `kubectl kovn`', async () => {
    const r = await kubectl('kovn', 'help');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(lines(r.stdout)[0], 'usage: kubectl kovn <command> [options]');
    assert.match(r.stdout, /^ {2}nbctl /m);
  });

  it('kubectl kovn get vpc lists a Vpc the test created (--kubeconfig after or before the command)', async () => {
    const manifest = join(lab.dir, 'vpc.yaml');
    writeFileSync(
      manifest,
      'apiVersion: kubeovn.io/v1\nkind: Vpc\nmetadata:\n  name: plugin-vpc\nspec: {}\n',
    );
    const applied = await lab.kovn('apply', '-f', manifest);
    assert.equal(applied.code, 0, applied.stderr);
    for (const args of [
      ['kovn', 'get', 'vpc', '--kubeconfig', lab.server.kubeconfigPath],
      ['kovn', `--kubeconfig=${lab.server.kubeconfigPath}`, 'get', 'vpc'],
    ]) {
      const r = await kubectl(...args);
      assert.equal(r.code, 0, r.stderr);
      assert.ok(
        lines(r.stdout).some((l) => l.split(/\s+/)[0] === 'plugin-vpc'),
        r.stdout,
      );
    }
  });

  it('kubectl kovn nbctl --ovn-nb-addr shows a switch the test created', async () => {
    const added = await kubectl('kovn', 'nbctl', '--ovn-nb-addr', nb.unix, 'ls-add', 'plugin-ls');
    assert.equal(added.code, 0, added.stderr);
    const r = await kubectl('kovn', 'nbctl', `--ovn-nb-addr=${nb.unix}`, 'show');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^switch \S+ \(plugin-ls\)$/m);
  });

  it('kubectl kovn nbctl passes a failing exit code and stderr through', async () => {
    const r = await kubectl('kovn', 'nbctl', '--ovn-nb-addr', nb.unix, 'ls-del', 'nosuch');
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /nosuch/);
  });

  it('OVN_NB_ADDR names the NB when no option does', async () => {
    const r = await kubectlWith({ OVN_NB_ADDR: nb.unix }, 'kovn', 'nbctl', 'ls-list');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /\(plugin-ls\)/);
  });

  it('no NB named and the lab’s kubeconfig in use: the lab home’s central NB socket', async () => {
    const home = join(lab.dir, 'nb-home');
    mkdirSync(home);
    symlinkSync(nb.dir, join(home, 'central')); // the NB fixture's nb.sock stands where the lab keeps its own
    const r = await kubectlWith({ KOVN_HOME: home }, 'kovn', 'nbctl', 'ls-list');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /\(plugin-ls\)/);
  });

  it('the lab’s kubeconfig in use and no lab running: says so, exit 1', async () => {
    const home = join(lab.dir, 'no-lab');
    const r = await kubectlWith({ KOVN_HOME: home }, 'kovn', 'nbctl', 'show');
    assert.equal(r.code, 1);
    assert.equal(
      r.stderr,
      `kovn nbctl: the lab's NB is not running (unix:${home}/central/nb.sock); start the lab with \`kovn up\`\n`,
    );
  });
});
