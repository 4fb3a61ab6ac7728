// npm run bench — what Berth's server-side caches buy, measured against a baseline in the same
// run on a real token-auth registry (CNCF distribution + the bed's issuer) on loopback.
//
// Baseline: what a naive proxy does for every view: ping /v2/, fetch a token, then the request.
// Berth: one RegistryContext per server (pings, tokens, digest-addressed content cached), a fresh
// RegistryClient per request as the route handlers make them.
// Figures are ratios of the two; absolute times depend on the machine.
import { performance } from 'node:perf_hooks';
import { startIssuer } from '../e2e/fixtures/issuer';
import { startRegistry } from '../e2e/fixtures/registry';
import { buildMultiPlatform, pushLayoutOverHttp } from '../e2e/fixtures/oci-layout';
import { AddressPolicy, RegistryClient, RegistryContext } from '../lib/registry';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 200);

interface Result {
  name: string;
  msPerOp: number;
  upstreamPerOp: number;
  tokensPerOp: number;
}

async function measure(name: string, issuerStats: () => number, op: () => Promise<{ requests: number }>): Promise<Result> {
  for (let i = 0; i < 10; i++) await op(); // warm up sockets and JIT
  const tokens0 = issuerStats();
  let requests = 0;
  const t0 = performance.now();
  for (let i = 0; i < ROUNDS; i++) requests += (await op()).requests;
  const ms = performance.now() - t0;
  return { name, msPerOp: ms / ROUNDS, upstreamPerOp: requests / ROUNDS, tokensPerOp: (issuerStats() - tokens0) / ROUNDS };
}

async function main(): Promise<void> {
  const issuer = await startIssuer({ users: [{ username: 'bench', password: 'bench-pass', access: { repositories: { '*': ['*'] }, catalog: true } }] });
  const registry = await startRegistry({ mode: 'token', issuer });
  try {
    const credentials = { username: 'bench', password: 'bench-pass' };
    const multi = buildMultiPlatform('bench/app', '1.0');
    await pushLayoutOverHttp(registry.url, 'bench/app', '1.0', multi.layout, credentials);
    const digest = multi.index.digest;
    const policy = new AddressPolicy({ allowed: [registry.url, issuer.url], dockerHubRegistryUrl: 'https://registry-1.docker.io' });
    const shared = new RegistryContext({ policy });
    const client = (context: RegistryContext) => new RegistryClient({ host: registry.host, baseUrl: registry.url, credentials, context });
    const tokens = () => issuer.stats().tokenRequests;
    const view = (context: RegistryContext, reference: string) => async () => {
      const before = context.stats.requests;
      await client(context).getManifest('bench/app', reference);
      return { requests: context.stats.requests - before };
    };
    const fresh = (reference: string) => async () => {
      const context = new RegistryContext({ policy });
      return view(context, reference)();
    };

    const pairs: Array<[Result, Result]> = [
      [await measure('manifest by tag — baseline (ping + token + GET)', tokens, fresh('1.0')), await measure('manifest by tag — Berth (cached ping and token)', tokens, view(shared, '1.0'))],
      [await measure('manifest by digest — baseline', tokens, fresh(digest)), await measure('manifest by digest — Berth (HEAD + cached bytes)', tokens, view(shared, digest))],
    ];

    console.log(`Berth benchmark: ${ROUNDS} rounds each against distribution ${registry.url} (token auth)\n`);
    console.log('scenario'.padEnd(52), 'ms/op'.padStart(8), 'upstream req/op'.padStart(16), 'tokens/op'.padStart(10));
    for (const pair of pairs) {
      for (const r of pair) {
        console.log(r.name.padEnd(52), r.msPerOp.toFixed(2).padStart(8), r.upstreamPerOp.toFixed(2).padStart(16), r.tokensPerOp.toFixed(3).padStart(10));
      }
      const [base, berth] = pair;
      console.log(`  → Berth is ${(base.msPerOp / berth.msPerOp).toFixed(1)}× faster, ${(base.upstreamPerOp / berth.upstreamPerOp).toFixed(1)}× fewer upstream requests\n`);
    }
  } finally {
    await registry.stop();
    await issuer.stop();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
