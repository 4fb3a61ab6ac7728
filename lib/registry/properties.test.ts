// Properties of the core that hold for every input, checked on generated ones: a reference Berth
// accepts is written back to one that means the same; merging token scopes does not depend on
// order or repetition; a registry's pagination link never takes Berth to another origin.
// (lib/parsers.fuzz.test.ts checks that the same parsers never crash or stall.)
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { RegistryClient } from './client';
import { RegistryError } from './errors';
import { parseNextLink } from './link';
import { DOCKER_HUB, formatReference, looksLikeHost, parseImageReference, type ImageReference } from './reference';
import { mergeScopes, parseScope } from './scope';
import { REGISTRY as ORIGIN, testContext, testRegistry } from './test-registry';

const RUNS = 300;

// ---- the grammar (docs/protocol.md "Grammar"), as generators ------------------------------------

const alphanumeric = fc.stringMatching(/^[a-z0-9]{1,6}$/);
const separator = fc.constantFrom('.', '_', '__', '-', '--', '---');
const component = fc
  .tuple(alphanumeric, fc.array(fc.tuple(separator, alphanumeric), { maxLength: 3 }))
  .map(([first, rest]) => first + rest.map(([s, a]) => s + a).join(''));
const repository = fc
  .array(component, { minLength: 1, maxLength: 4 })
  .map((parts) => parts.join('/'))
  .filter((name) => name.length <= 200);
const tag = fc.stringMatching(/^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}$/);
const digest = fc.oneof(
  fc.stringMatching(/^[a-f0-9]{64}$/).map((hex) => `sha256:${hex}`),
  fc.stringMatching(/^[a-f0-9]{128}$/).map((hex) => `sha512:${hex}`),
);
const label = fc.stringMatching(/^[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,8}[a-zA-Z0-9])?$/);
const port = fc.integer({ min: 1, max: 65535 });
const withPort = (name: string, p: number | null) => (p === null ? name : `${name}:${p}`);

/** A host as a person may type it, and the canonical host Berth must read it as. */
const host: fc.Arbitrary<{ typed: string; canonical: string }> = fc.oneof(
  fc.tuple(fc.array(label, { minLength: 2, maxLength: 4 }), fc.option(port)).map(([labels, p]) => {
    const name = labels.join('.');
    const lower = name.toLowerCase();
    const hub = p === null && (lower === 'index.docker.io' || lower === 'registry-1.docker.io');
    return { typed: withPort(name, p), canonical: hub ? DOCKER_HUB : withPort(lower, p) };
  }),
  fc.tuple(label, port).map(([name, p]) => ({ typed: withPort(name, p), canonical: withPort(name.toLowerCase(), p) })),
  // A port is a number: leading zeros are not part of the registry's name.
  fc.tuple(fc.array(label, { minLength: 2, maxLength: 3 }), port).map(([labels, p]) => {
    const name = labels.join('.');
    return { typed: `${name}:${String(p).padStart(5, '0')}`, canonical: withPort(name.toLowerCase(), p) };
  }),
  fc.option(port).map((p) => ({ typed: withPort('localhost', p), canonical: withPort('localhost', p) })),
  fc
    .tuple(fc.constantFrom('[::1]', '[2001:DB8::1]', '[fe80::1:2]', '[::ffff:192.0.2.1]'), fc.option(port))
    .map(([name, p]) => ({ typed: withPort(name, p), canonical: withPort(name.toLowerCase(), p) })),
  fc.constantFrom('docker.io', 'index.docker.io', 'registry-1.docker.io', 'Docker.IO').map((typed) => ({ typed, canonical: DOCKER_HUB })),
);

const reference = fc.record({
  scheme: fc.constantFrom('', '', 'https://', 'http://', 'docker://', 'HTTPS://'),
  host,
  repository,
  tag: fc.option(tag),
  digest: fc.option(digest),
});

/** What `docker pull` would pull: the digest when there is one, whatever the tag says. */
const pulled = (ref: ImageReference): ImageReference => (ref.digest ? { host: ref.host, repository: ref.repository, digest: ref.digest } : ref);

describe('image references', () => {
  test('every reference built from the grammar is read as written, and formats back to a string that reads the same', () => {
    fc.assert(
      fc.property(reference, (r) => {
        const text = `${r.scheme}${r.host.typed}/${r.repository}${r.tag !== null ? `:${r.tag}` : ''}${r.digest !== null ? `@${r.digest}` : ''}`;
        const expected: ImageReference = {
          host: r.host.canonical,
          // One-component names on Docker Hub are official images.
          repository: r.host.canonical === DOCKER_HUB && !r.repository.includes('/') ? `library/${r.repository}` : r.repository,
          ...(r.tag !== null ? { tag: r.tag } : {}),
          ...(r.digest !== null ? { digest: r.digest } : {}),
        };
        const parsed = parseImageReference(text);
        assert.deepEqual(parsed, expected);
        const formatted = formatReference(parsed);
        assert.deepEqual(parseImageReference(formatted), pulled(parsed));
        assert.equal(formatReference(parseImageReference(formatted)), formatted, 'the formatted reference is canonical');
      }),
      { numRuns: RUNS },
    );
  });

  test('whatever string is accepted, Docker Hub short names included, formats back to the same reference', () => {
    const piece = fc.constantFrom(
      'a',
      'Z',
      '0',
      '.',
      '-',
      '_',
      '__',
      '/',
      ':',
      '@',
      'sha256:',
      'f'.repeat(64),
      'docker.io',
      'localhost',
      '[::1]',
      '5000',
      'v1',
    );
    const text = fc.oneof(
      fc.array(piece, { maxLength: 30 }).map((p) => p.join('')),
      fc.tuple(repository, fc.option(tag)).map(([name, t]) => (t === null ? name : `${name}:${t}`)),
    );
    fc.assert(
      fc.property(text, (s) => {
        let parsed: ImageReference;
        try {
          parsed = parseImageReference(s);
        } catch (e) {
          assert.ok(e instanceof RegistryError, String(e));
          return;
        }
        // "Myhost/app" names the registry myhost (upper case marks a host), but written back in
        // lower case it names Docker Hub's myhost/app: Berth has no way to write such a host yet.
        if (!looksLikeHost(parsed.host)) return;
        assert.deepEqual(parseImageReference(formatReference(parsed)), pulled(parsed), `${s} → ${formatReference(parsed)}`);
      }),
      { numRuns: RUNS },
    );
  });
});

// ---- token scopes ------------------------------------------------------------------------------

const scope = fc
  .tuple(
    fc.constantFrom('repository', 'registry', 'repository(plugin)'),
    fc.oneof(
      repository,
      fc.tuple(label, port, repository).map(([h, p, name]) => `${h.toLowerCase()}.example:${p}/${name}`),
      fc.constant('catalog'),
    ),
    fc.subarray(['pull', 'push', 'delete', '*']),
  )
  .map(([type, name, actions]) => `${type}:${name}:${actions.join(',')}`);
/** What a challenge or a caller hands over: one scope, several joined by spaces (a challenge's scope parameter), or anything. */
const scopeGroup = fc.array(
  fc.oneof(
    scope,
    fc.array(scope, { minLength: 2, maxLength: 3 }).map((s) => s.join(' ')),
    fc.string({ maxLength: 30 }),
  ),
  {
    maxLength: 5,
  },
);
const asSet = (scopes: string[]) => new Set(scopes);

describe('merging scopes', () => {
  test('merging again what was merged changes nothing', () => {
    fc.assert(
      fc.property(scopeGroup, scopeGroup, (a, b) => {
        const merged = mergeScopes(a, b);
        assert.deepEqual(mergeScopes(merged, b), merged);
        assert.deepEqual(mergeScopes(merged, a), merged);
        assert.deepEqual(mergeScopes(merged), merged);
      }),
      { numRuns: RUNS },
    );
  });

  test('the order scopes come in does not matter', () => {
    fc.assert(
      fc.property(scopeGroup, scopeGroup, (a, b) => {
        assert.deepEqual(asSet(mergeScopes(a, b)), asSet(mergeScopes(b, a)));
        assert.deepEqual(asSet(mergeScopes([...a].reverse(), b)), asSet(mergeScopes(a, b)));
      }),
      { numRuns: RUNS },
    );
  });

  test('one scope per resource, asking for every action asked for it', () => {
    fc.assert(
      fc.property(scopeGroup, scopeGroup, (a, b) => {
        const merged = mergeScopes(a, b).map((s) => parseScope(s));
        const resources = merged.map((s) => `${s?.type}:${s?.name}`);
        assert.equal(new Set(resources).size, resources.length);
        for (const text of [...a, ...b].flatMap((t) => t.split(' '))) {
          const asked = parseScope(text);
          if (!asked) continue;
          const got = merged.find((s) => s?.type === asked.type && s.name === asked.name);
          assert.ok(got, `${text} is in the merge`);
          for (const action of asked.actions) assert.ok(got.actions.includes(action), `${action} of ${text} is kept`);
        }
      }),
      { numRuns: RUNS },
    );
  });
});

// ---- pagination links --------------------------------------------------------------------------

const LIST = '/v2/team/app/tags/list';

/** Where a link may point: relative forms, the registry's own origin spelt several ways, and others. */
const linkOrigin = fc.constantFrom(
  '',
  '//evil.example',
  '\\\\evil.example',
  'https://evil.example',
  'http://r.example',
  'https://r.example',
  'https://R.EXAMPLE:443',
  'https://r.example:8443',
  'HTTPS://r.example',
  'https:',
  'https://user:pw@r.example',
  'https://r.example@evil.example',
  'javascript:',
  'file://',
);
const linkPath = fc.constantFrom(
  LIST,
  '/v2/team/app/tags/list/',
  '/v2/team/other/tags/list',
  '/v2/_catalog',
  'list',
  '../list',
  '/v2/team/app/tags/../tags/list',
  '',
);
const linkQuery = fc.constantFrom('?last=v1&n=100', '?n=1000000&last=v2', '?next_page=abc', '?', '', '#x', '?last=v1#frag');
const linkPiece = fc.constantFrom(LIST, '?last=v1', '../', '//', '%2F%2Fevil.example', '@', ':', 'evil.example', '#');
/** Link targets, relative and absolute: most nearly right, the rest any mix of the pieces that move a URL elsewhere. */
const linkTarget = fc.oneof(
  { weight: 3, arbitrary: fc.tuple(linkOrigin, linkPath, linkQuery).map((parts) => parts.join('')) },
  { weight: 1, arbitrary: fc.array(linkPiece, { minLength: 1, maxLength: 5 }).map((parts) => parts.join('')) },
);
const nearMisses = [
  `${LIST}?last=v1`,
  `https://r.example${LIST}?last=v1`,
  `http://r.example${LIST}?last=v1`,
  `https://r.example:8443${LIST}?last=v1`,
  `https://evil.example${LIST}?last=v1`,
  `//evil.example${LIST}?last=v1`,
  `${LIST}/?last=v1`,
  `/v2/team/other/tags/list?last=v1`,
  LIST,
];
const linkHeader = fc.oneof(
  linkTarget.map((t) => `<${t}>; rel="next"`),
  fc.tuple(linkTarget, linkTarget).map(([prev, next]) => `<${prev}>; rel="prev", <${next}>; rel=next`),
  fc.string({ maxLength: 60 }),
);

describe('pagination links', () => {
  test('a next link is followed only on the registry’s own origin and list: the cursor and the request it makes stay there', async () => {
    let link = '';
    const registry = testRegistry((req) => {
      const ok = req.url.origin === ORIGIN;
      return {
        status: ok ? 200 : 404,
        headers: req.url.pathname === LIST && ok ? { link } : {},
        body: req.url.pathname === '/v2/' ? {} : { name: 'team/app', tags: ['v1'] },
      };
    });
    const requested = registry.seen;
    const client = new RegistryClient({ host: 'r.example', baseUrl: ORIGIN, context: testContext(), transport: registry.transport });
    await fc.assert(
      fc.asyncProperty(linkHeader, async (header) => {
        link = header;
        requested.length = 0;
        const page = await client.listTags('team/app').catch((e: unknown) => {
          // Refused with a sentence, and nothing sent anywhere else.
          assert.ok(e instanceof RegistryError && e.code === 'BAD_RESPONSE', String(e));
          return undefined;
        });
        if (page !== undefined && page.next !== null) {
          const target = parseNextLink(header, new URL(`${ORIGIN}${LIST}?n=100`));
          assert.equal(target?.origin, ORIGIN, `${header} was followed`);
          assert.equal(target.pathname, LIST);
          await client.listTags('team/app', { cursor: page.next });
          assert.equal(requested.at(-1)?.url.searchParams.get('last'), target.searchParams.get('last'), 'the next request asks for the page the link named');
        }
        for (const { url } of requested) assert.equal(url.origin, ORIGIN, `${header}: asked ${url.href}`);
        assert.ok(
          requested.every(({ url }) => url.pathname === LIST || url.pathname === '/v2/'),
          requested.map(({ url }) => url.pathname).join(' '),
        );
      }),
      // Besides the generated ones, the links that differ from a good one by a single part, every run.
      { numRuns: RUNS, examples: nearMisses.map((target) => [`<${target}>; rel="next"`]) },
    );
  });

  test('a cursor from whoever calls Berth is never an address: it asks the same registry for the same list', async () => {
    const registry = testRegistry(() => ({ body: '{"name":"team/app","tags":[]}' }));
    const client = new RegistryClient({ host: 'r.example', baseUrl: ORIGIN, context: testContext(), transport: registry.transport });
    await fc.assert(
      fc.asyncProperty(fc.oneof(linkTarget, fc.string({ maxLength: 60 })), async (cursor) => {
        registry.seen.length = 0;
        await client.listTags('team/app', { cursor });
        const last = registry.seen.at(-1)?.url;
        assert.equal(last?.origin, ORIGIN, `${cursor}: asked ${last?.href}`);
        assert.equal(last.pathname, LIST);
      }),
      { numRuns: RUNS, examples: nearMisses.map((cursor) => [cursor]) },
    );
  });
});
