// For load balancers, container health checks and Kubernetes probes: answers as soon as the
// server can serve requests, without touching any registry (a slow registry must not take
// replicas out of rotation).
export const dynamic = 'force-dynamic';

export function GET(): Response {
  return Response.json({ status: 'ok' }, { headers: { 'cache-control': 'no-store' } });
}
