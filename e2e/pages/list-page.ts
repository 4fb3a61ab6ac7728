import { expect, type Page } from '@playwright/test';

/** Repository lists and tag tables: a Filter input, a count, virtualised rows of links. */
export class ListPage {
  constructor(private readonly page: Page) {}

  filter = () => this.page.getByLabel('Filter');
  /** The polite status line with counts ("256 repositories", "3 of 1,513 tags match"). */
  status = () => this.page.locator('p[aria-live="polite"]');
  /** The list of repositories, or the table of tags. */
  container = () => this.page.locator('[role="list"], [role="table"]');
  rows = () => this.container().locator('a[data-row-index]');
  row = (name: string) => this.container().getByRole('link', { name, exact: true });
  /** A tag's table row (role="row"), found by its tag. */
  tagRow = (tag: string) => this.page.getByRole('row').filter({ has: this.page.getByRole('link', { name: tag, exact: true }) });

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
