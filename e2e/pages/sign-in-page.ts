import { alertOf } from '../alert';
import { expect, type Page } from '@playwright/test';

/** The sign-in form: its labels are a stable contract (the e2e tests and users rely on them). */
export class SignInPage {
  constructor(private readonly page: Page) {}

  async open(registry?: string, next?: string): Promise<void> {
    const q = new URLSearchParams();
    if (registry) q.set('registry', registry);
    if (next) q.set('next', next);
    await this.page.goto(`/login${q.size ? `?${q}` : ''}`);
  }

  registry = () => this.page.getByLabel('Registry', { exact: true });
  username = () => this.page.getByLabel('Username');
  password = () => this.page.getByLabel('Password or token');
  submit = () => this.page.getByRole('button', { name: 'Sign in' });
  alert = () => alertOf(this.page);

  async fill(registry: string | null, username: string, password: string): Promise<void> {
    if (registry !== null) await this.registry().fill(registry);
    await this.username().fill(username);
    await this.password().fill(password);
    await this.submit().click();
  }

  /** Signs in from the form and waits to land on the registry (or the `next` path). */
  async as(registry: string, username: string, password: string): Promise<void> {
    await this.open(registry);
    await this.fill(null, username, password);
    await expect(this.page).not.toHaveURL(/\/login/);
  }
}
