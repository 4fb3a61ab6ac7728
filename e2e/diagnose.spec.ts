import type { Page } from '@playwright/test';
import { startAppServer } from './fixtures/app-server';
import { alertOf, expect, handedOutTokens, issuedTokens, password, test } from './support';
import { DiagnosePage } from './pages/diagnose-page';
import { SignInPage } from './pages/sign-in-page';

// /HOST/-/diagnose against the bed's real registries and its fake: each step as a person reads it.

/** No registry of the bed listens here, and ALLOWED_REGISTRIES does not list it. */
const UNLISTED = '127.0.0.1:5999';

test.describe('the token registry', () => {
  test('alice: every step ok, the access asked beside the access granted, a repository checked, fresh on every run', async ({
    page,
    signIn,
    token,
    diagnosis,
    bed,
  }) => {
    await signIn.as(token.host, 'alice', password(token, 'alice'));
    await diagnosis.open(token.host);
    await expect(diagnosis.summary()).toContainText('Every step worked: Berth reaches');
    await expect(diagnosis.summary()).toContainText('as alice');
    await diagnosis.expectStatuses({ address: 'ok', ping: 'ok', auth: 'ok', catalog: 'ok', repository: 'skipped', 'rate-limits': 'ok' });
    await expect(diagnosis.step('address')).toContainText(`http://${token.host} is listed in ALLOWED_REGISTRIES`);
    await expect(diagnosis.step('ping')).toContainText(`asks for a Bearer token from ${bed.issuer.tokenUrl}, service ${bed.issuer.service}`);
    await expect(diagnosis.step('ping')).toContainText('registry/2.0');
    await expect(diagnosis.accessRow('registry:catalog:*')).toContainText('*');
    await expect(diagnosis.step('auth')).toContainText(`account=alice (Basic alice:•••) → 200`);
    await expect(diagnosis.step('auth')).toContainText('-u "alice:$PASSWORD"');
    await expect(diagnosis.step('catalog')).toContainText('lists its repositories for alice');

    // Run again asks the token service again: the diagnosis never answers from Berth's token cache.
    const before = await issuedTokens(bed);
    await diagnosis.runAgain().click();
    await expect(diagnosis.runAgain()).toBeEnabled();
    expect(await issuedTokens(bed)).toBe(before + 1);

    await diagnosis.repository().fill(bed.content.oci.repo);
    await page.getByRole('button', { name: 'Check' }).click();
    await expect(page).toHaveURL(/\?repository=team%2Fapp$/);
    await diagnosis.finished();
    await diagnosis.expectStatuses({ repository: 'ok' });
    await expect(diagnosis.accessRow(`repository:${bed.content.oci.repo}:pull`)).toContainText('pull');
    await expect(diagnosis.step('repository')).toContainText(`HEAD http://${token.host}/v2/${bed.content.oci.repo}/manifests/`);
  });

  test('carol, who may not list: the token is granted nothing for the catalog, and the catalog is refused', async ({ signIn, token, diagnosis }) => {
    await signIn.as(token.host, 'carol', password(token, 'carol'));
    await diagnosis.open(token.host);
    await diagnosis.expectStatuses({ ping: 'ok', auth: 'warning', catalog: 'warning' });
    const sentence = 'The token service answered, but granted nothing for registry:catalog:*: this account cannot list repositories here.';
    await expect(diagnosis.step('auth')).toContainText(sentence);
    await expect(diagnosis.summary()).toContainText(sentence);
    await expect(diagnosis.accessRow('registry:catalog:*')).toContainText('nothing (missing)');
    await expect(diagnosis.step('catalog')).toContainText(
      `${token.host} does not list its repositories for carol (HTTP 401). The token carries no registry:catalog:* (see Token).`,
    );
    await expect(diagnosis.step('catalog')).toContainText('CATALOG_UNSUPPORTED');
  });

  test('anonymous: no credentials sent, the catalog needs a sign-in, public/* can be read', async ({ page, token, diagnosis, bed }) => {
    await diagnosis.open(token.host, bed.content.public.repo);
    await expect(page.getByText('Anonymously: this session has no credentials for it.')).toBeVisible();
    await diagnosis.expectStatuses({ auth: 'warning', catalog: 'warning', repository: 'ok' });
    await expect(diagnosis.step('auth')).toContainText('granted nothing for registry:catalog:*: anonymous access cannot list repositories here');
    await expect(diagnosis.step('auth')).not.toContainText('Basic');
    await expect(diagnosis.step('auth')).not.toContainText('account=');
    await expect(diagnosis.step('catalog')).toContainText('Sign in to list them');
    await expect(diagnosis.accessRow(`repository:${bed.content.public.repo}:pull`)).toContainText('pull');
  });
});

test('the htpasswd registry: Basic, shown as admin:•••', async ({ signIn, bed, diagnosis }) => {
  const reg = bed.registries.htpasswd;
  await signIn.as(reg.host, 'admin', password(reg, 'admin'));
  await diagnosis.open(reg.host);
  await diagnosis.expectStatuses({ ping: 'ok', auth: 'ok', catalog: 'ok' });
  await expect(diagnosis.step('ping')).toContainText('asks for a username and password (Basic)');
  await expect(diagnosis.step('auth')).toContainText('Username and password (Basic)');
  await expect(diagnosis.step('auth')).toContainText(`GET http://${reg.host}/v2/ (Basic admin:•••) → 200`);
  await expect(diagnosis.step('catalog')).toContainText(`-u "admin:$PASSWORD" 'http://${reg.host}/v2/_catalog?n=10'`);
});

test('the open registry: no authentication at all', async ({ bed, diagnosis }) => {
  const reg = bed.registries.anonymous;
  await diagnosis.open(reg.host);
  await diagnosis.expectStatuses({ ping: 'ok', auth: 'ok', catalog: 'ok', repository: 'skipped' });
  await expect(diagnosis.step('auth')).toContainText('/v2/ is open: no token or password is needed to reach it.');
  await expect(diagnosis.summary()).toContainText('is let in anonymously');
});

test('an address the policy refuses: nothing is sent, and the page names the setting and the origin to add', async ({ page, diagnosis, bed }) => {
  expect(bed.allowedRegistries.join(',')).not.toContain(UNLISTED);
  // Reached from the error of the view that failed.
  await page.goto(`/${UNLISTED}`);
  await expect(alertOf(page)).toContainText('NOT_ALLOWED');
  await alertOf(page).getByRole('link', { name: 'Diagnose the connection' }).click();
  await expect(page).toHaveURL(new RegExp(`/${UNLISTED}/-/diagnose$`));
  await diagnosis.finished();
  await diagnosis.expectStatuses({ address: 'failed', ping: 'skipped', auth: 'skipped', catalog: 'skipped', repository: 'skipped', 'rate-limits': 'skipped' });
  const address = diagnosis.step('address');
  await expect(address).toContainText(
    `To allow it, an administrator adds https://${UNLISTED} (or http://${UNLISTED} if it serves plain http) to ALLOWED_REGISTRIES.`,
  );
  await expect(address.getByText('Origin to add')).toBeVisible();
  await expect(diagnosis.summary()).toContainText('ALLOWED_REGISTRIES');
});

test.describe('the fake registry', () => {
  test('a relative realm is shown as sent and as resolved', async ({ bed, diagnosis }) => {
    await diagnosis.open(bed.fake.host);
    const ping = diagnosis.step('ping');
    await expect(ping).toContainText(`the challenge gave the relative realm /token, resolved against ${bed.fake.url}/v2/`);
    await expect(ping.getByRole('row').filter({ hasText: 'bearer' })).toContainText(`/token→ ${bed.fake.url}/token`);
    await diagnosis.expectStatuses({ auth: 'ok' });
    await expect(diagnosis.step('auth')).toContainText('opaque (not a JWT: what it grants cannot be read)');
  });

  test('a repository answering 401 without a challenge', async ({ bed, diagnosis }) => {
    await diagnosis.open(bed.fake.host, 'nochallenge/app');
    await diagnosis.expectStatuses({ repository: 'failed' });
    await expect(diagnosis.step('repository')).toContainText('answered 401 for nochallenge/app without a WWW-Authenticate challenge');
  });

  test('a rate-limited repository: the wait, and every rate-limit header it sent', async ({ bed, diagnosis }) => {
    await diagnosis.open(bed.fake.host, 'ratelimited/app');
    await diagnosis.expectStatuses({ repository: 'failed', 'rate-limits': 'failed' });
    await expect(diagnosis.step('repository')).toContainText('TOOMANYREQUESTS');
    const limits = diagnosis.step('rate-limits');
    await expect(limits).toContainText('rate-limiting these requests (HTTP 429): try again in 7 s');
    for (const [header, value] of [
      ['ratelimit-limit', '100;w=21600'],
      ['ratelimit-remaining', '0;w=21600'],
      ['retry-after', '7'],
    ] as const) {
      await expect(limits.getByRole('row').filter({ hasText: header })).toContainText(value);
    }
  });

  test('a repository whose error is an HTML page', async ({ bed, diagnosis }) => {
    await diagnosis.open(bed.fake.host, 'html500/app');
    await diagnosis.expectStatuses({ repository: 'failed' });
    await expect(diagnosis.step('repository')).toContainText('The body is an HTML page, not a registry error');
    await expect(diagnosis.step('repository')).toContainText('text/html');
  });
});

test.describe('ways in', () => {
  test('each registry on the home page has a Diagnose link', async ({ page, token, signIn }) => {
    await signIn.as(token.host, 'bob', password(token, 'bob'));
    await page.goto('/');
    await page.getByRole('link', { name: `Diagnose ${token.host}` }).click();
    await expect(page).toHaveURL(new RegExp(`/${token.host}/-/diagnose$`));
  });

  test('a denied repository links to a diagnosis of that repository', async ({ page, token, signIn, bed, diagnosis }) => {
    await signIn.as(token.host, 'bob', password(token, 'bob'));
    await page.goto(`/${token.host}/${bed.content.secret.repo}`);
    await expect(alertOf(page)).toContainText('DENIED');
    await alertOf(page).getByRole('link', { name: 'Diagnose the connection' }).click();
    await expect(page).toHaveURL(new RegExp(`/${token.host}/-/diagnose\\?repository=secret%2Fvault$`));
    await diagnosis.finished();
    await expect(diagnosis.step('auth')).toContainText('granted nothing for repository:secret/vault:pull: this account cannot pull secret/vault here');
  });

  test("the sign-in form's error links to a diagnosis", async ({ page, signIn, bed }) => {
    const reg = bed.registries.htpasswd;
    await signIn.open(reg.host);
    await signIn.fill(null, 'admin', 'not-the-password');
    await expect(signIn.alert()).toContainText('UNAUTHORIZED');
    await signIn
      .alert()
      .getByRole('link', { name: `Diagnose ${reg.host}` })
      .click();
    await expect(page).toHaveURL(new RegExp(`/${reg.host}/-/diagnose$`));
  });
});

/** Every answer a page received (documents, RSC payloads, API, scripts), for looking for secrets in it. */
function recordResponses(page: Page): { url: string; text: string }[] {
  const bodies: { url: string; text: string }[] = [];
  page.on('response', async (res) => bodies.push({ url: res.url(), text: await res.text().catch(() => '') }));
  return bodies;
}

test('no password, Basic string or issued token in the page, its answers, the copied report or the server log', async ({ browser, bed }) => {
  test.setTimeout(120_000);
  // A server of its own (the standalone build, as deployed), to read everything it logs.
  const server = await startAppServer();
  const context = await browser.newContext({ baseURL: server.site });
  try {
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    const page = await context.newPage();
    const bodies = recordResponses(page);
    const signIn = new SignInPage(page);
    const diagnosis = new DiagnosePage(page);
    const shown: string[] = [];
    const accounts = [
      { reg: bed.registries.token, username: 'alice', repository: bed.content.oci.repo },
      { reg: bed.registries.htpasswd, username: 'admin', repository: bed.content.oci.repo },
    ];
    for (const { reg, username, repository } of accounts) {
      await signIn.as(reg.host, username, password(reg, username));
      await diagnosis.open(reg.host, repository);
      await expect(diagnosis.summary()).toContainText('Every step worked');
      await diagnosis.copyReport().click();
      const report = await page.evaluate(() => navigator.clipboard.readText());
      expect(report).toContain(`# Berth diagnosis of ${reg.host}`);
      expect(report).toContain(`- As: ${username}`);
      expect(report).toContain(`Basic ${username}:•••`);
      shown.push(report, await page.content());
    }
    await page.close();
    const secrets = [...(await handedOutTokens(bed))];
    expect(secrets.length).toBeGreaterThan(0);
    for (const { reg, username } of accounts) {
      const pass = password(reg, username);
      const basic = Buffer.from(`${username}:${pass}`).toString('base64');
      secrets.push(pass, basic, `Basic ${basic}`);
    }
    const everything = { page: shown.join('\n'), answers: bodies.map((b) => b.text).join('\n'), log: server.output() };
    for (const [where, text] of Object.entries(everything)) {
      for (const secret of secrets) expect(text.includes(secret), `a secret (${secret.slice(0, 8)}…) in the ${where}`).toBe(false);
    }
    const api = bodies.filter((b) => new URL(b.url).pathname.startsWith('/api/'));
    expect(api.some((b) => b.url.includes('/diagnose'))).toBe(true);
    for (const b of api) expect(b.text, b.url).not.toMatch(/eyJ[\w-]+\.eyJ/); // no JWT at all, issued here or not
  } finally {
    await context.close();
    await server.stop();
  }
});
