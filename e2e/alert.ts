import type { Locator, Page } from '@playwright/test';

/** Berth's alerts: every role="alert" except Next.js's (empty) route announcer. */
export function alertOf(page: Page): Locator {
  return page.locator('[role="alert"]:not(#__next-route-announcer__)');
}
