// The peer-echo server (test/support/peer-echo.ts) started from a test inside a network namespace: resolves once it
// listens, rejects if it exits first. The caller ends it by the pid it gets back.
import { spawnPiped, type PipedProcess } from '../../src/util/exec.ts';

export const PEER_ECHO = 'test/support/peer-echo.ts';

export async function servePeerEcho(netns: string, host: string, port: number): Promise<PipedProcess> {
  const p = await spawnPiped(process.execPath, [PEER_ECHO, 'serve', host, String(port)], { netns });
  await new Promise<void>((resolve, reject) => {
    p.stdout.on('data', (b: Buffer) => b.toString().includes('listening') && resolve());
    void p.exited.then((e) => reject(new Error(`server in ${netns} exited: ${JSON.stringify(e)}`)));
  });
  return p;
}
