// What `kubectl apply -k deploy/kubernetes` and `docker build .` deploy, checked against what Berth
// and its tests rely on: the health route the probes call, the secret the docs tell you to create,
// a locked-down pod that can still write Next's cache, and an image that builds and runs the way
// CI does. See docs/deploy.md.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { z } from 'zod';
import { standaloneEntry } from '../e2e/fixtures/app-server';

const root = resolve(__dirname, '..');
const kubernetes = join(root, 'deploy', 'kubernetes');
const read = (...path: string[]) => readFileSync(join(root, ...path), 'utf8');

// ---- the manifests, parsed at the boundary ------------------------------------------------------

const Kustomization = z.object({
  kind: z.literal('Kustomization'),
  resources: z.array(z.string()),
  secretGenerator: z.unknown().optional(),
});
const Probe = z.object({ httpGet: z.object({ path: z.string(), port: z.union([z.string(), z.number()]) }) });
const Quantities = z.object({ cpu: z.string(), memory: z.string() });
const Container = z.object({
  name: z.string(),
  ports: z.array(z.object({ name: z.string().optional(), containerPort: z.number() })),
  env: z
    .array(
      z.object({
        name: z.string(),
        value: z.string().optional(),
        valueFrom: z.object({ secretKeyRef: z.object({ name: z.string(), key: z.string() }).optional() }).optional(),
      }),
    )
    .default([]),
  readinessProbe: Probe.optional(),
  livenessProbe: Probe.optional(),
  resources: z.object({ requests: Quantities.partial().optional(), limits: Quantities.partial().optional() }).default({}),
  securityContext: z
    .object({
      allowPrivilegeEscalation: z.boolean().optional(),
      readOnlyRootFilesystem: z.boolean().optional(),
      capabilities: z.object({ drop: z.array(z.string()).default([]) }).optional(),
    })
    .default({}),
  volumeMounts: z.array(z.object({ name: z.string(), mountPath: z.string() })).default([]),
});
const Labels = z.record(z.string(), z.string());
const Deployment = z.object({
  kind: z.literal('Deployment'),
  metadata: z.object({ name: z.string() }),
  spec: z.object({
    replicas: z.number(),
    selector: z.object({ matchLabels: Labels }),
    template: z.object({
      metadata: z.object({ labels: Labels }),
      spec: z.object({
        securityContext: z.object({ runAsNonRoot: z.boolean().optional(), runAsUser: z.number().optional() }).default({}),
        containers: z.array(Container).length(1),
        volumes: z.array(z.object({ name: z.string(), emptyDir: z.object({}).passthrough().optional() })).default([]),
      }),
    }),
  }),
});
const Service = z.object({
  kind: z.literal('Service'),
  spec: z.object({ selector: Labels, ports: z.array(z.object({ port: z.number(), targetPort: z.union([z.string(), z.number()]) })) }),
});
const Autoscaler = z.object({
  kind: z.literal('HorizontalPodAutoscaler'),
  spec: z.object({
    scaleTargetRef: z.object({ apiVersion: z.string(), kind: z.string(), name: z.string() }),
    minReplicas: z.number(),
    maxReplicas: z.number(),
  }),
});
const Resource = z.discriminatedUnion('kind', [Deployment, Service, Autoscaler]);

const kustomization = Kustomization.parse(parseAllDocuments(readFileSync(join(kubernetes, 'kustomization.yaml'), 'utf8'))[0]?.toJS());
const resources = kustomization.resources.flatMap((file) =>
  parseAllDocuments(readFileSync(join(kubernetes, file), 'utf8')).map((doc) => Resource.parse(doc.toJS())),
);
function only<K extends z.infer<typeof Resource>['kind']>(kind: K): Extract<z.infer<typeof Resource>, { kind: K }> {
  const found = resources.filter((r): r is Extract<z.infer<typeof Resource>, { kind: K }> => r.kind === kind);
  assert.equal(found.length, 1, `one ${kind} in deploy/kubernetes`);
  return found[0] as Extract<z.infer<typeof Resource>, { kind: K }>;
}
const deployment = only('Deployment');
const pod = deployment.spec.template.spec;
const container = pod.containers[0] as z.infer<typeof Container>;

// ---- the image, as instructions per stage ---------------------------------------------------------

interface Instruction {
  stage: string;
  op: string;
  args: string;
}
const dockerfile: Instruction[] = [];
{
  let stage = '';
  for (const line of read('Dockerfile')
    .replace(/\\\n\s*/g, ' ')
    .split('\n')) {
    const m = /^\s*([A-Z]+)\s+(.*)$/.exec(line);
    if (!m?.[1] || line.trim().startsWith('#')) continue;
    const op = m[1];
    const args = (m[2] ?? '').trim();
    if (op === 'FROM') stage = /\bAS\s+(\S+)/i.exec(args)?.[1] ?? args;
    dockerfile.push({ stage, op, args });
  }
}
const finalStage = dockerfile.at(-1)?.stage ?? '';
const inStage = (stage: string, op: string) => dockerfile.filter((i) => i.stage === stage && i.op === op).map((i) => i.args);
const imageEnv = new Map(inStage(finalStage, 'ENV').flatMap((args) => [...args.matchAll(/(\w+)=(\S+)/g)].map((m) => [m[1] ?? '', m[2] ?? ''] as const)));
const workdir = inStage(finalStage, 'WORKDIR').at(-1) ?? '/';

// ---- Kubernetes ----------------------------------------------------------------------------------

test('kubernetes: at least two replicas, and the autoscaler never goes below two', () => {
  assert.ok(deployment.spec.replicas >= 2, `replicas: ${deployment.spec.replicas}`);
  const hpa = only('HorizontalPodAutoscaler');
  assert.deepEqual(hpa.spec.scaleTargetRef, { apiVersion: 'apps/v1', kind: 'Deployment', name: deployment.metadata.name });
  assert.ok(hpa.spec.minReplicas >= 2 && hpa.spec.maxReplicas >= hpa.spec.minReplicas);
});

test("kubernetes: readiness and liveness probes call Berth's health route on the port the server listens on", () => {
  const port = container.ports.find((p) => p.containerPort === Number(imageEnv.get('PORT')));
  assert.ok(port, `a container port for the image's PORT ${imageEnv.get('PORT')}`);
  for (const name of ['readinessProbe', 'livenessProbe'] as const) {
    const probe = container[name];
    assert.ok(probe, `${name} is set`);
    assert.equal(probe.httpGet.path, '/api/health', `${name} path`);
    assert.ok(probe.httpGet.port === port.name || probe.httpGet.port === port.containerPort, `${name} port ${probe.httpGet.port}`);
  }
  assert.ok(existsSync(join(root, 'app', 'api', 'health', 'route.ts')), 'app/api/health/route.ts serves /api/health');
});

test('kubernetes: SESSION_SECRET comes from a Secret that is not committed, made as the docs say', () => {
  const secret = container.env.find((e) => e.name === 'SESSION_SECRET');
  const ref = secret?.valueFrom?.secretKeyRef;
  assert.ok(ref, 'SESSION_SECRET from a secretKeyRef');
  assert.equal(secret?.value, undefined, 'no literal SESSION_SECRET');
  assert.equal(kustomization.secretGenerator, undefined, 'no secret generated from files in the repository');
  const docs = read('docs', 'deploy.md');
  assert.ok(docs.includes(`kubectl create secret generic ${ref.name} --from-literal=${ref.key}=`), `docs/deploy.md shows how to create ${ref.name}/${ref.key}`);
});

test('kubernetes: non-root, read-only root filesystem, no capabilities, a writable emptyDir for Next’s cache', () => {
  assert.equal(pod.securityContext.runAsNonRoot, true, 'runAsNonRoot');
  assert.notEqual(pod.securityContext.runAsUser, 0, 'runAsUser');
  assert.equal(container.securityContext.readOnlyRootFilesystem, true, 'readOnlyRootFilesystem');
  assert.equal(container.securityContext.allowPrivilegeEscalation, false, 'allowPrivilegeEscalation');
  assert.deepEqual(container.securityContext.capabilities?.drop, ['ALL'], 'capabilities.drop');
  const cache = container.volumeMounts.find((m) => m.mountPath === `${workdir}/.next/cache`);
  assert.ok(cache, `a volume at ${workdir}/.next/cache (the image's WORKDIR is ${workdir})`);
  assert.ok(pod.volumes.find((v) => v.name === cache.name)?.emptyDir, `${cache.name} is an emptyDir`);
});

test('kubernetes: CPU and memory requests and limits', () => {
  for (const kind of ['requests', 'limits'] as const) {
    assert.ok(container.resources[kind]?.cpu, `${kind}.cpu`);
    assert.ok(container.resources[kind]?.memory, `${kind}.memory`);
  }
});

test('kubernetes: the Service selects the pods and targets their port', () => {
  const service = only('Service');
  assert.deepEqual(service.spec.selector, deployment.spec.selector.matchLabels);
  for (const [k, v] of Object.entries(service.spec.selector)) assert.equal(deployment.spec.template.metadata.labels[k], v);
  const target = service.spec.ports[0]?.targetPort;
  assert.ok(
    container.ports.some((p) => p.name === target || p.containerPort === target),
    `targetPort ${target}`,
  );
});

// ---- the image -------------------------------------------------------------------------------------

test('image: the build stage runs what CI runs, and the image runs what the e2e tests run', () => {
  const buildStage = dockerfile.find((i) => i.op === 'RUN' && i.args === 'npm run build')?.stage;
  assert.ok(buildStage && buildStage !== finalStage, 'a separate build stage runs `npm run build`');
  assert.ok(
    inStage(buildStage, 'RUN').some((a) => a.startsWith('npm ci')),
    'the build stage installs with npm ci',
  );
  assert.match(read('.ci', 'run'), /^npm ci\b/m);
  const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;
  assert.match(scripts.test ?? '', /npm run build\b/);
  assert.match(scripts.build ?? '', /scripts\/standalone-assets\.mjs/);
  // The runtime stage copies only the standalone folder and starts the entry the tests start.
  assert.deepEqual(inStage(finalStage, 'COPY'), [`--from=${buildStage} /app/.next/standalone ./`]);
  assert.equal(inStage(buildStage, 'WORKDIR').at(-1), '/app');
  const entry = standaloneEntry().split('/').at(-1) ?? '';
  assert.deepEqual(inStage(finalStage, 'CMD'), [`["node", "${entry}"]`]);
  assert.match(read('scripts', 'standalone-assets.mjs'), new RegExp(`'${entry.replace('.', '\\.')}'`));
});

test('image: Node 20 or newer, production, not root, a health check, no secret baked in', () => {
  for (const from of dockerfile.filter((i) => i.op === 'FROM')) {
    const version = from.args.replace(
      '${NODE_VERSION}',
      inStage('', 'ARG')
        .find((a) => a.startsWith('NODE_VERSION='))
        ?.split('=')[1] ?? '',
    );
    assert.ok(Number(/^node:(\d+)/.exec(version)?.[1]) >= 20, `FROM ${version}`);
  }
  assert.equal(imageEnv.get('NODE_ENV'), 'production');
  const user = inStage(finalStage, 'USER').at(-1);
  assert.ok(user && user !== 'root' && user !== '0', `USER ${user}`);
  const health = inStage(finalStage, 'HEALTHCHECK').join(' ');
  assert.match(health, /\/api\/health/);
  for (const i of dockerfile) {
    if (i.op === 'ENV' || i.op === 'ARG') assert.doesNotMatch(i.args, /SESSION_SECRET/, `${i.op} ${i.args}`);
  }
  const ignored = read('.dockerignore').split('\n');
  for (const path of ['.env*', 'node_modules', '.next', '.git']) assert.ok(ignored.includes(path), `.dockerignore lists ${path}`);
});
