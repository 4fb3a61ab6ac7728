import { expect, type Page } from '@playwright/test';

/** Repository and tag lists: a Filter input, a count, virtualised rows of links. */
export class ListPage {
  constructor(private readonly page: Page) {}

  filter = () => this.page.getByLabel('Filter');
  /** The polite status line with counts ("256 repositories", "3 of 1,513 tags match"). */
  status = () => this.page.locator('p[aria-live="polite"]');
  rows = () => this.page.getByRole('list').getByRole('link');
  row = (name: string) => this.page.getByRole('list').getByRole('link', { name, exact: true });

  async filterBy(text: string): Promise<void> {
    await this.filter().fill(text);
  }

  /** The first page is there: its first row and a count that says more may follow. */
  async expectFirstPage(firstRow: string, noun: string): Promise<void> {
    await expect(this.row(firstRow)).toBeVisible({ timeout: 20_000 });
    await expect(this.status()).toContainText(noun);
  }

  async expectComplete(count: string): Promise<void> {
    await expect(this.status()).toHaveText(new RegExp(`^${count}`), { timeout: 20_000 });
  }
}
