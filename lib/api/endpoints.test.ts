// The table of Berth's HTTP endpoints (./endpoints.ts): what each route reads from its request, the
// URLs the browser writes from the same rows, and the table and app/api agreeing on every endpoint.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { RegistryError } from '../registry/errors';
import { HUB_ORDERINGS as CORE_HUB_ORDERINGS } from '../registry/hub';
import { HUB_ORDERINGS, endpoints, readQuery, urlOf, type Endpoint } from './endpoints';

const read = <E extends Endpoint>(endpoint: E, search: string) => readQuery(endpoint, new URLSearchParams(search));
const invalid = (message: RegExp) => (e: unknown) => e instanceof RegistryError && e.code === 'INVALID_REQUEST' && e.status === 400 && message.test(e.message);

describe('what every route reads from its request', () => {
  test('required parameters: all present, or a 400 that names what is missing', () => {
    assert.deepEqual(read(endpoints.referrers, 'repository=a&digest=b'), { repository: 'a', digest: 'b', artifactType: undefined });
    for (const search of ['repository=a', 'digest=b', 'repository=&digest=b', '', 'digest=&digest=b&repository=a']) {
      assert.throws(() => read(endpoints.referrers, search), invalid(/^Name a repository and a digest\.$/), search);
    }
    // Each row says what it needs in its own words.
    assert.throws(() => read(endpoints.deleteManifest, 'repository=a'), invalid(/^Name a repository and the digest or tag to delete\.$/));
    assert.throws(() => read(endpoints.manifest, 'reference=v1'), invalid(/^Name a repository and a tag or digest\.$/));
    assert.throws(() => read(endpoints.config, ''), invalid(/^Name a repository and the config digest\.$/));
    assert.throws(() => read(endpoints.deletion, ''), invalid(/^Name a repository\.$/));
  });

  test('a missing required parameter is named before anything else is judged', () => {
    assert.throws(() => read(endpoints.details, 'ref=a'), invalid(/^Name a repository\.$/));
    assert.throws(() => read(endpoints.tags, 'n=ten'), invalid(/^Name a repository\.$/));
    assert.throws(() => read(endpoints.document, 'repository=a&digest=b'), invalid(/^Name a repository, a digest and a kind \(manifest or blob\)\.$/));
  });

  test('a layer number: a whole number from 1 to the most layers an image may have, or none; a path is cut to 4096 characters', () => {
    const files = (search: string) => read(endpoints.files, `repository=r&digest=d&${search}`);
    assert.equal(files('layer=3').layer, 3);
    assert.equal(files('layer=128').layer, 128);
    assert.equal(files('layer=').layer, undefined);
    for (const layer of ['0', '129', '1.5', 'two', '-1']) {
      assert.throws(() => files(`layer=${layer}`), invalid(/^layer must be a whole number from 1 to 128\.$/), layer);
    }
    assert.equal(files(`path=${'a'.repeat(5000)}`).path?.length, 4096);
    assert.throws(() => read(endpoints.file, 'repository=r&digest=d'), invalid(/^Name a repository, an image's digest and a file's path\.$/));
  });

  test('a repeated parameter: at least one (empty ones left out), at most the maximum', () => {
    assert.deepEqual(read(endpoints.details, 'repository=r&ref=a&ref=&ref=b').ref, ['a', 'b']);
    assert.throws(() => read(endpoints.details, 'repository=r&ref='), invalid(/^Name at least one tag or digest as ref\.$/));
    const many = Array.from({ length: 101 }, (_, i) => `ref=t${i}`).join('&');
    assert.throws(() => read(endpoints.details, `repository=r&${many}`), invalid(/^Ask for at most 100 ref values at once\.$/));
    assert.equal(read(endpoints.details, `repository=r&${many.replace('&ref=t100', '')}`).ref.length, 100);
  });

  test('a page: n a positive whole number, capped at 1000, absent when not given; the cursor as given', () => {
    assert.deepEqual(read(endpoints.repositories, ''), { n: undefined, cursor: undefined });
    assert.deepEqual(read(endpoints.repositories, 'n=&cursor='), { n: undefined, cursor: undefined });
    assert.deepEqual(read(endpoints.repositories, 'n=1&cursor=/v2/a/tags/list?last=x'), { n: 1, cursor: '/v2/a/tags/list?last=x' });
    assert.deepEqual(read(endpoints.repositories, 'n=5000'), { n: 1000, cursor: undefined });
    assert.equal(read(endpoints.repositories, 'n=999').n, 999);
    for (const bad of ['0', '-1', '1.5', 'ten'])
      assert.throws(() => read(endpoints.repositories, `n=${bad}`), invalid(/^n must be a positive whole number\.$/), bad);
  });

  test('a parameter with a few values: one of them, or a 400 that lists them', () => {
    assert.equal(read(endpoints.document, 'repository=a&digest=b&kind=blob').kind, 'blob');
    assert.throws(() => read(endpoints.document, 'repository=a&digest=b&kind=layer'), invalid(/^kind must be manifest or blob\.$/));
    assert.equal(read(endpoints.namespace, 'ordering=pull_count').ordering, 'pull_count');
    assert.equal(read(endpoints.namespace, 'ordering=').ordering, undefined);
    assert.throws(() => read(endpoints.namespace, 'ordering=stars'), invalid(/^ordering is one of last_updated, name, pull_count\.$/));
  });

  test('flags are 1 or nothing; a diagnosis names a repository of at most 300 characters', () => {
    assert.deepEqual(read(endpoints.details, 'repository=r&ref=a&fresh=1&pulls=yes'), { repository: 'r', ref: ['a'], fresh: true, pulls: undefined });
    assert.equal(read(endpoints.diagnose, `repository=${'a'.repeat(400)}`).repository?.length, 300);
    assert.equal(read(endpoints.diagnose, 'repository=').repository, undefined);
  });

  test('parameters a row does not name are not read', () => {
    assert.deepEqual(read(endpoints.manifest, 'repository=a&reference=b&token=x'), { repository: 'a', reference: 'b' });
  });

  test("Docker Hub's orderings are the core's", () => {
    assert.deepEqual(HUB_ORDERINGS, CORE_HUB_ORDERINGS);
  });
});

describe('the URLs the browser writes', () => {
  test('the host percent-encoded into the path, the query in the row’s order, empty values left out', () => {
    assert.equal(
      urlOf(endpoints.tags, { host: '[::1]:5000', repository: 'team/app', cursor: null as unknown as undefined, n: 1000 }),
      '/api/registries/%5B%3A%3A1%5D%3A5000/tags?repository=team%2Fapp&n=1000',
    );
    assert.equal(
      urlOf(endpoints.repositories, { host: 'r.example', cursor: '/v2/_catalog?last=x', n: 1000 }),
      '/api/registries/r.example/repositories?cursor=%2Fv2%2F_catalog%3Flast%3Dx&n=1000',
    );
    assert.equal(
      urlOf(endpoints.namespace, { host: 'docker.io', namespace: '', ordering: 'last_updated' }),
      '/api/registries/docker.io/hub-repositories?ordering=last_updated',
    );
    assert.equal(urlOf(endpoints.session, {}), '/api/session');
    assert.equal(urlOf(endpoints.signOut, { host: 'r.example:5000' }), '/api/session/registries/r.example%3A5000');
  });

  test('a list repeats, a flag is 1, a flag not set is left out', () => {
    assert.equal(
      urlOf(endpoints.details, { host: 'h', repository: 'r', ref: ['a', 'b'], fresh: true }),
      '/api/registries/h/details?repository=r&ref=a&ref=b&fresh=1',
    );
    assert.equal(urlOf(endpoints.details, { host: 'h', repository: 'r', ref: ['a'], pulls: undefined }), '/api/registries/h/details?repository=r&ref=a');
  });

  test('what the browser writes, the route reads back as it was', () => {
    const samples: Array<[Endpoint, Record<string, unknown>]> = [
      [endpoints.tags, { repository: 'team/app', cursor: '/v2/team/app/tags/list?last=v1&n=1000', n: 1000 }],
      [endpoints.details, { repository: 'team/app', ref: ['v1', 'sha256:' + 'a'.repeat(64)], pulls: true }],
      [endpoints.document, { repository: 'a/b', digest: 'sha256:' + 'b'.repeat(64), kind: 'blob' }],
      [endpoints.namespace, { namespace: 'library', ordering: 'name', cursor: 'https://hub.docker.com/v2/namespaces/library/repositories?page=2' }],
    ];
    for (const [endpoint, query] of samples) {
      const url = new URL(urlOf(endpoint, { host: 'r.example', ...query } as never), 'http://berth.test');
      const back = readQuery(endpoint, url.searchParams) as Record<string, unknown>;
      assert.deepEqual(Object.fromEntries(Object.entries(back).filter(([, v]) => v !== undefined)), query, url.href);
    }
  });
});

describe('the table and app/api agree', () => {
  const root = join(__dirname, '..', '..', 'app', 'api');
  const routeFiles = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory() ? routeFiles(join(dir, entry.name)) : entry.name === 'route.ts' ? [join(dir, entry.name)] : [],
    );
  const served = routeFiles(root).flatMap((file) => {
    const path = `/api/${relative(root, file).split(sep).slice(0, -1).join('/').replace('[host]', '{host}')}`;
    const methods = [...readFileSync(file, 'utf8').matchAll(/^export (?:async )?function (GET|POST|DELETE|PUT|PATCH)\b/gm)].map((m) => m[1]);
    return methods.map((method) => `${method} ${path}`);
  });

  test('every row is served by a route handler, and every route handler has its row', () => {
    const rows = Object.values(endpoints).map((e) => `${e.method} ${e.path}`);
    assert.deepEqual([...rows].sort(), [...served].sort());
  });
});
