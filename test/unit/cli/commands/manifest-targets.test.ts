import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { eachManifestTarget } from '../../../../src/cli/commands/manifest-targets.ts';

describe('apply -f and delete -f stop before connecting when the files do not load', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kovn-manifests-'));
  const broken = join(dir, 'broken.yaml');
  const empty = join(dir, 'empty.yaml');
  writeFileSync(broken, 'kind: [\n');
  writeFileSync(empty, '');
  const missing = join(dir, 'absent.yaml');
  const cases: Array<[string, string[], RegExp[]]> = [
    ['no -f', [], [/^error: must specify one of -f$/]],
    ['a missing path', [missing], [new RegExp(`^error: the path "${missing}" does not exist$`)]],
    ['a document that does not parse', [broken], [/^error: error parsing .*broken\.yaml:\d+: /]],
    ['no objects', [empty], [/^error: no objects passed to the command$/]],
  ];
  for (const [name, filename, lines] of cases) {
    it(name, async () => {
      const err: string[] = [];
      const io = { out: () => undefined, err: (line: string) => err.push(line) };
      let steps = 0;
      const run = await eachManifestTarget(
        io,
        { filename, kubeconfig: join(dir, 'no-kubeconfig') },
        {},
        () => {
          steps++;
          return Promise.resolve();
        },
      );
      assert.equal(run, undefined);
      assert.equal(steps, 0);
      assert.equal(err.length, lines.length, err.join('\n'));
      err.forEach((line, i) => assert.match(line, lines[i]!));
    });
  }
  after(() => rmSync(dir, { recursive: true, force: true }));
});
