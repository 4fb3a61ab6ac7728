// The import-direction lint rule (eslint.config.mjs) refuses each kind of wrong-way import.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ESLint } from 'eslint';

const eslint = new ESLint();

async function problems(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: file });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'import/no-restricted-paths' || m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

const cases: Array<[string, string, string, RegExp | null]> = [
  [
    'lib never imports components',
    'lib/server/x.ts',
    "import { apiFetch } from '@/components/data/fetch';\nexport const f = apiFetch;\n",
    /lib\/ is below components/,
  ],
  ['lib never imports app', 'lib/x.ts', "import { GET } from '@/app/api/session/route';\nexport const f = GET;\n", /lib\/ is below/],
  ['the core never imports the session', 'lib/registry/x.ts', "import { config } from '../server/config';\nexport const f = config;\n", /stands alone/],
  [
    'the core never imports the HTTP contract',
    'lib/registry/x.ts',
    "import type { SessionBody } from '@/lib/api/types';\nexport type X = SessionBody;\n",
    /stands alone/,
  ],
  ['the core never imports Next', 'lib/registry/x.ts', "import { NextResponse } from 'next/server';\nexport const f = NextResponse;\n", /imports no framework/],
  ['the core never imports React', 'lib/registry/x.ts', "import { useState } from 'react';\nexport const f = useState;\n", /imports no framework/],
  [
    'components never import server-only code',
    'components/x.ts',
    "import { getSession } from '@/lib/server/session';\nexport const f = getSession;\n",
    /components\/ never import/,
  ],
  [
    'a feature never imports another feature',
    'components/tags/x.ts',
    "import { ManifestView } from '@/components/manifest/manifest-view';\nexport const f = ManifestView;\n",
    /never another feature/,
  ],
  [
    'a feature never imports another feature, by a relative path either',
    'components/tags/x.ts',
    "import { forgetDeleted } from '../delete/scan';\nexport const f = forgetDeleted;\n",
    /never another feature/,
  ],
  [
    'the shared primitives never import a feature',
    'components/ui/x.ts',
    "import { SignInForm } from '@/components/session/sign-in-form';\nexport const f = SignInForm;\n",
    /imports no feature/,
  ],
  [
    'the data layer never imports the primitives',
    'components/data/x.ts',
    "import { formatBytes } from '@/components/ui/format';\nexport const f = formatBytes;\n",
    /data layer under every view/,
  ],
  [
    'a feature may use the data layer, the primitives and its own files',
    'components/tags/x.ts',
    "import { keys } from '@/components/data';\nimport { Button } from '@/components/ui/button';\nimport { TagTable } from './tag-table';\nexport const f = [keys, Button, TagTable];\n",
    null,
  ],
  ['the primitives may use the data layer', 'components/ui/x.ts', "import { isApiError } from '@/components/data';\nexport const f = isApiError;\n", null],
  [
    'a page puts features side by side',
    'app/x.tsx',
    "import { TagList } from '@/components/tags/tag-list';\nimport { PullLimit } from '@/components/docker-hub/pull-limit';\nexport const f = [TagList, PullLimit];\n",
    null,
  ],
  ['the contract may use the core', 'lib/api/x.ts', "import type { Descriptor } from '../registry/manifest';\nexport type X = Descriptor;\n", null],
  ['components may use lib', 'components/x.ts', "import { hrefFor } from '@/lib/route-target';\nexport const f = hrefFor;\n", null],
];

for (const [name, file, code, expected] of cases) {
  test(`import direction: ${name}`, async () => {
    const found = await problems(file, code);
    if (expected === null) assert.deepEqual(found, []);
    else
      assert.ok(
        found.some((m) => expected.test(m)),
        `expected ${expected} for ${file}, got ${JSON.stringify(found)}`,
      );
  });
}
