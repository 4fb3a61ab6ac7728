// npm run bench, attacks: the visitor, in a process of its own so that the attack's own work (the
// hostile registry, the attacker's requests, in the bench's process) does not delay its clock.
// Browses one URL again and again, one request at a time, for BENCH_VISIT_MS, and prints the
// latencies as JSON: {"ms":[…],"failed":N}.
const url = process.env.BENCH_VISIT_URL ?? '';
const headers = JSON.parse(process.env.BENCH_VISIT_HEADERS ?? '{}') as Record<string, string>;
const until = Date.now() + Number(process.env.BENCH_VISIT_MS ?? 3000);

async function visit(): Promise<void> {
  const ms: number[] = [];
  let failed = 0;
  while (Date.now() < until) {
    const started = performance.now();
    const ok = await fetch(url, { headers }).then(
      async (r) => (await r.arrayBuffer(), r.ok),
      () => false,
    );
    if (ok) ms.push(performance.now() - started);
    else failed++;
    await new Promise((r) => setTimeout(r, 50));
  }
  process.stdout.write(JSON.stringify({ ms, failed }));
}

void visit();
