/**
 * The agent's side of `POST /api/v1/cni-exec` (protocol.ts): the bin/kovn-cni shim forwards an invocation unparsed
 * and the agent runs the whole plugin (plugin.ts) in-process, its requests going straight to the `CniHandler`
 * instead of back over the agent's own socket. A handler failure becomes the same `CniError` the plugin would have
 * built from the socket's HTTP answer (server.ts, client.ts), so a runtime sees the same error objects either way.
 */
import { execCni, type AgentCall, type CniOutcome } from '../cni/plugin.ts';
import { ADD_PATH, CHECK_PATH, DEL_PATH, type CniExecRequest } from '../cni/protocol.ts';
import { CniCode, CniError } from '../cni/spec.ts';
import { AgentError, type CniHandler } from './handler.ts';

/** The request body, checked: a string-valued `env` object and a string `stdin`. */
export function parseExecRequest(text: string): CniExecRequest {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (err) {
    throw new AgentError(400, CniCode.DecodingFailure, `parse request failed: ${(err as Error).message}`);
  }
  const { env, stdin } = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  if (typeof env !== 'object' || env === null || Array.isArray(env) || typeof stdin !== 'string')
    throw new AgentError(400, CniCode.DecodingFailure, 'cni-exec needs {"env": {...}, "stdin": "..."}');
  const strings = Object.entries(env).filter((kv): kv is [string, string] => typeof kv[1] === 'string');
  return { env: Object.fromEntries(strings), stdin };
}

/** The plugin's agent requests answered by `handler` directly; failures as the socket would have reported them. */
export function handlerAgentCall(handler: CniHandler): AgentCall {
  return async (_socket, path, request) => {
    try {
      if (path === ADD_PATH) return await handler.add(request);
      if (path === DEL_PATH) await handler.del(request);
      else if (path === CHECK_PATH) await handler.check(request);
      return undefined;
    } catch (err) {
      const status = err instanceof AgentError ? err.status : 500;
      const code = err instanceof AgentError ? err.code : CniCode.TryAgainLater;
      throw new CniError(code, `node agent answered ${status}`, (err as Error).message, { cause: err });
    }
  };
}

/** Runs one forwarded invocation. */
export function runForwarded(handler: CniHandler, request: CniExecRequest): Promise<CniOutcome> {
  return execCni(request.env, request.stdin, handlerAgentCall(handler));
}
