/**
 * The responder's gRPC side: one grpc.health.v1 server per gRPC port, the gRPC team's own implementation
 * (grpc-health-check's `HealthImplementation`, Check and Watch) on a @grpc/grpc-js server, fed the connections the
 * responder accepts on that port (grpc-js's connection injector), so the responder keeps one way of listening for
 * every port. Each service answers the status it was given; a service not given is NOT_FOUND.
 */
import type { Socket } from 'node:net';
import { Server, ServerCredentials } from '@grpc/grpc-js';
import { HealthImplementation } from 'grpc-health-check';
import type { GrpcServingStatus } from './responder-protocol.ts';

/** A health server answering `statuses`; hand it each accepted connection. */
export function grpcHealthServer(statuses: Record<string, GrpcServingStatus>): (socket: Socket) => void {
  const server = new Server();
  new HealthImplementation(statuses).addToServer(server);
  const injector = server.createConnectionInjector(ServerCredentials.createInsecure());
  return (socket) => {
    socket.on('error', () => socket.destroy());
    injector.injectConnection(socket);
  };
}
