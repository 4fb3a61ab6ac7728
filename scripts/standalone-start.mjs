// Berth's entry point in the standalone build (copied there as start.mjs by
// scripts/standalone-assets.mjs): Next's own server.js, with a shutdown suited to a replica behind a
// load balancer. See docs/deploy.md, "Stopping".
//
// On SIGTERM or SIGINT Next's server closes its listener and waits for every open connection,
// idle keep-alive ones included, then exits 143. Here instead: stop accepting connections, let
// the requests in flight finish, answer them with `Connection: close` so keep-alive clients let
// go at once, then exit 0. A second signal exits at once (1).
//
// It also writes the address each request came from into a header Berth reads for its per-client
// limits, since Next.js gives route handlers no access to the connection.
import { subscribe } from 'node:diagnostics_channel';

// Next leaves signals to us (its documented switch for manual handling).
process.env.NEXT_MANUAL_SIG_HANDLE = 'true';

/** @type {Set<import('node:http').Server>} */
const servers = new Set();
/** @type {Set<import('node:http').ServerResponse>} */
const inFlight = new Set();
let stopping = false;

/** @param {import('node:http').ServerResponse} response */
function closeWhenDone(response) {
  if (!response.headersSent) response.setHeader('connection', 'close');
}

/** Where Berth reads the address of each request's connection (lib/server/client-address.ts). */
const PEER_HEADER = 'x-berth-peer';

subscribe('http.server.request.start', (message) => {
  const { request, response, server } =
    /** @type {{ request: import('node:http').IncomingMessage, response: import('node:http').ServerResponse, server: import('node:http').Server }} */ (message);
  // The connection's own address, for Berth's per-client limits; whatever the request itself
  // carried under this name is replaced.
  request.headers[PEER_HEADER] = request.socket.remoteAddress ?? '';
  servers.add(server);
  inFlight.add(response);
  if (stopping) closeWhenDone(response);
  response.once('close', () => {
    inFlight.delete(response);
    if (stopping) server.closeIdleConnections();
  });
});

/** @param {NodeJS.Signals} signal */
function stop(signal) {
  if (stopping) {
    console.error(`Berth: ${signal} again; exiting without waiting for ${inFlight.size} request(s).`);
    process.exit(1);
  }
  stopping = true;
  console.log(`Berth: ${signal}; finishing ${inFlight.size} request(s) in flight, then exiting.`);
  for (const response of inFlight) closeWhenDone(response);
  // Until the first request the server is unknown, and there is nothing to wait for.
  const closing = [...servers].map(
    (server) =>
      new Promise((resolve) => {
        server.close(() => resolve(undefined));
        server.closeIdleConnections();
      }),
  );
  void Promise.all(closing).then(() => process.exit(0));
}

process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGINT', () => stop('SIGINT'));

// After the handlers and the environment are in place (a static import would run first).
await import('./server.js');
