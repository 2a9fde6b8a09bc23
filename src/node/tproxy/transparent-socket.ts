/**
 * The one thing Node.js cannot do here: set IP_TRANSPARENT on a listening socket. A few lines of Python (in every
 * Debian install) create the socket — SO_REUSEADDR, IP_TRANSPARENT, bind, listen — put it on fd 3 and exec the
 * real program, which inherits it and serves it (`net.createServer().listen({ fd: 3 })`). Accepted sockets then
 * carry the original destination as their local address. ADR 15 has the alternatives. Pure (builds argv).
 */

export const TRANSPARENT_SOCKET_PY = [
  'import os, socket, sys',
  's = socket.socket(socket.AF_INET, socket.SOCK_STREAM)',
  's.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)',
  's.setsockopt(socket.SOL_IP, socket.IP_TRANSPARENT, 1)',
  's.bind((sys.argv[1], int(sys.argv[2])))',
  's.listen(128)',
  'os.dup2(s.fileno(), 3)',
  'os.set_inheritable(3, True)',
  'os.execvp(sys.argv[4], sys.argv[4:])',
].join('\n');

/** argv (after the `python3` command) that runs `program` with a transparent listener on ip:port as fd 3. */
export function transparentListenerArgs(ip: string, port: number, program: readonly string[]): string[] {
  return ['-c', TRANSPARENT_SOCKET_PY, ip, String(port), '--', ...program];
}
