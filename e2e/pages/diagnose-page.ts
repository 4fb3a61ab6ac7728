import { expect, type Page } from '@playwright/test';
import type { DiagnosisStatus, DiagnosisStepId } from '../../lib/api/types';
import { diagnoseHref } from '../../lib/route-target';

/** The diagnosis page: a summary, then one list item per step (data-step, data-status). */
export class DiagnosePage {
  constructor(private readonly page: Page) {}

  async open(host: string, repository?: string, origin = ''): Promise<void> {
    await this.page.goto(`${origin}${diagnoseHref(host, repository)}`);
    await this.finished();
  }

  /** The last step is there once the whole diagnosis has come back. */
  async finished(): Promise<void> {
    await expect(this.step('rate-limits')).toBeVisible({ timeout: 30_000 });
  }

  step = (id: DiagnosisStepId) => this.page.locator(`[data-step="${id}"]`);
  summary = () => this.page.getByRole('status').filter({ hasText: 'ms in all' });
  repository = () => this.page.getByLabel('Repository');
  copyReport = () => this.page.getByRole('button', { name: 'Copy report' });
  runAgain = () => this.page.getByRole('button', { name: 'Run again' });

  async expectStatuses(expected: Partial<Record<DiagnosisStepId, DiagnosisStatus>>): Promise<void> {
    for (const [id, status] of Object.entries(expected)) {
      await expect(this.step(id as DiagnosisStepId), `step ${id}`).toHaveAttribute('data-status', status);
    }
  }

  /** A row of the table of access asked and granted. */
  accessRow = (scope: string) => this.step('auth').getByRole('row').filter({ hasText: scope });
}
