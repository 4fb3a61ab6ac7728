// Playwright fixtures: the test bed's state and page objects (chatbot-style tests/fixtures.ts).
import { test as base, expect } from '@playwright/test';
import { loadBed, type BedRegistry, type BedState } from './fixtures/bed-state';
import { SignInPage } from './pages/sign-in-page';
import { ListPage } from './pages/list-page';
import { DiagnosePage } from './pages/diagnose-page';

export interface Fixtures {
  bed: BedState;
  token: BedRegistry;
  signIn: SignInPage;
  list: ListPage;
  diagnosis: DiagnosePage;
}

/**
 * The address a test's requests come from, as the proxy in front of the main server would say
 * (playwright.config.ts: TRUSTED_PROXIES=1): one per test, from the benchmarking range (198.18.0.0/15).
 */
export function testClientAddress(testId: string): string {
  const n = [...testId].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7);
  return `198.18.${(n >>> 8) & 0xff}.${n & 0xff}`;
}

export const test = base.extend<Fixtures>({
  extraHTTPHeaders: async ({ extraHTTPHeaders }, use, testInfo) => use({ 'x-forwarded-for': testClientAddress(testInfo.testId), ...extraHTTPHeaders }),
  bed: async ({}, use) => use(loadBed()),
  token: async ({ bed }, use) => use(bed.registries.token),
  signIn: async ({ page }, use) => use(new SignInPage(page)),
  list: async ({ page }, use) => use(new ListPage(page)),
  diagnosis: async ({ page }, use) => use(new DiagnosePage(page)),
});

export { expect };
export { alertOf } from './alert';

export function password(reg: BedRegistry, username: string): string {
  const u = reg.users.find((x) => x.username === username);
  if (!u) throw new Error(`the bed has no user ${username} on ${reg.host}`);
  return u.password;
}

/** Tokens the bed's issuer has handed out so far (counted at the issuer). */
export async function issuedTokens(bed: BedState): Promise<number> {
  const res = await fetch(bed.issuer.statsUrl);
  return ((await res.json()) as { tokenRequests: number }).tokenRequests;
}

/** Every token (and refresh token) the bed's issuer has handed out since it started. */
export async function handedOutTokens(bed: BedState): Promise<string[]> {
  const res = await fetch(`${bed.issuer.url}/_tokens`);
  return ((await res.json()) as { tokens: string[] }).tokens;
}
