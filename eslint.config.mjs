// Lint: Next.js's recommended rules (React, hooks, Core Web Vitals, TypeScript) plus the rule that
// keeps Berth's imports pointing one way: app/ → components/ → lib/, and the protocol core
// (lib/registry/) standing alone; inside components/, each feature folder uses the data layer
// (components/data) and the shared primitives (components/ui) but no other feature, ui uses no
// feature, and data nothing else of components/. docs/architecture.md ("Folders") explains why.
import { readdirSync } from 'node:fs';
import { defineConfig, globalIgnores } from 'eslint/config';
import nextVitals from 'eslint-config-next/core-web-vitals';
import nextTypeScript from 'eslint-config-next/typescript';

const frameworks = ['next', 'next/*', 'react', 'react-dom', 'react/*', '@tanstack/*', 'server-only'];

/** The folders of components/ that are not features: the data layer and the shared primitives. */
const SHARED = ['data', 'ui'];
/** Every other folder of components/ is a feature (tags, manifest, delete, …), found rather than listed. */
const features = readdirSync(new URL('./components', import.meta.url), { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && !SHARED.includes(entry.name))
  .map((entry) => entry.name);

export default defineConfig([
  ...nextVitals,
  ...nextTypeScript,
  globalIgnores(['.next/**', '.next-base-path/**', 'out/**', 'build/**', 'next-env.d.ts', 'test-results/**', '.berth/**', '.stryker-tmp/**', 'reports/**']),
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      'import/no-restricted-paths': [
        'error',
        {
          zones: [
            {
              target: './lib',
              from: ['./components', './app'],
              message: 'lib/ is below components/ and app/: it never imports them.',
            },
            {
              target: './lib/registry',
              from: ['./lib/server', './lib/api', './lib/route-target.ts'],
              message: 'The protocol core (lib/registry) stands alone: no sessions, no HTTP contract.',
            },
            {
              target: './components',
              from: ['./app', './lib/server'],
              message: 'components/ never import app/ or server-only code from lib/server.',
            },
            ...features.map((feature) => ({
              target: `./components/${feature}`,
              from: './components',
              except: [`./${feature}`, ...SHARED.map((folder) => `./${folder}`)],
              message:
                'A feature folder imports components/data and components/ui, never another feature: what two features share goes into one of those, and the page (app/) puts features side by side.',
            })),
            {
              target: './components/ui',
              from: './components',
              except: ['./ui', './data'],
              message: 'components/ui holds the shared primitives: it imports no feature.',
            },
            {
              target: './components/data',
              from: './components',
              except: ['./data'],
              message: 'components/data is the data layer under every view: it imports nothing else of components/.',
            },
          ],
        },
      ],
    },
  },
  {
    // Playwright fixtures call `use`, which is not React's.
    files: ['e2e/**', 'scripts/**'],
    rules: { 'react-hooks/rules-of-hooks': 'off' },
  },
  {
    // Scripts reach the test bed through its one entry point, e2e/fixtures/index.ts.
    files: ['scripts/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/e2e/fixtures/*'], message: 'Import the test bed from e2e/fixtures (its index), not its files.' }] },
      ],
    },
  },
  {
    files: ['lib/registry/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: frameworks, message: 'The protocol core (lib/registry) imports no framework: it runs and is tested alone.' }] },
      ],
    },
  },
]);
