import type { DiagnosisBody, DiagnosisStatus, DiagnosisStep } from '@/lib/api/types';

// The diagnosis as Markdown, for a bug report. The body holds no secret (the server redacts
// passwords and tokens and the curl commands keep them in $PASSWORD and $TOKEN), so neither does this.

export const STATUS_LABEL: Record<DiagnosisStatus, string> = { ok: 'ok', warning: 'warning', failed: 'failed', skipped: 'skipped' };

/** `text` in a table cell: pipes escaped, line breaks flattened. */
const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');

/** Inline code that survives backticks inside it. */
const code = (text: string) => (text.includes('`') ? `\`\` ${text} \`\`` : `\`${text}\``);

function table(head: string[], rows: string[][]): string[] {
  return [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`), ''];
}

/** "GET https://r/v2/ (Basic alice:•••) → 401 in 12 ms" */
export function requestLine(r: DiagnosisStep['requests'][number]): string {
  const auth = r.authorization ? ` (${r.authorization})` : '';
  const answer = r.status !== undefined ? `${r.status}` : 'no answer';
  const moved = r.finalUrl ? `, from ${r.finalUrl}` : '';
  return `${r.method} ${r.url}${auth} → ${answer}${moved} in ${r.ms} ms`;
}

function stepMarkdown(step: DiagnosisStep, index: number): string[] {
  const out = [`## ${index + 1}. ${step.title} — ${STATUS_LABEL[step.status]}${step.status === 'skipped' ? '' : ` (${step.ms} ms)`}`, '', step.sentence, ''];
  if (step.error) out.push(`Berth's code for this: ${code(step.error.code)}`, '');
  for (const f of step.facts) out.push(`- ${f.label}: ${f.value}`);
  if (step.facts.length) out.push('');
  if (step.requests.length) out.push('Requests:', '', ...step.requests.map((r) => `- ${code(requestLine(r))}`), '');
  if (step.challenges?.length) {
    out.push(
      ...table(
        ['scheme', 'realm', 'service', 'scope', 'error'],
        step.challenges.map((c) => [c.scheme, c.realmUrl ? `${c.realm} → ${c.realmUrl}` : (c.realm ?? ''), c.service ?? '', c.scope ?? '', c.error ?? '']),
      ),
    );
  }
  if (step.access?.length) {
    out.push(
      ...table(
        ['access asked', 'granted', ''],
        step.access.map((a) => [a.scope, a.granted.join(',') || 'nothing', a.covered ? 'ok' : 'missing']),
      ),
    );
  }
  if (step.rateLimits?.length)
    out.push(
      ...table(
        ['header', 'value', 'from'],
        step.rateLimits.map((r) => [r.header, r.value, r.from]),
      ),
    );
  if (step.curl) out.push('```sh', step.curl, '```', '');
  return out;
}

export function diagnosisReport(d: DiagnosisBody): string {
  const lines = [
    `# Berth diagnosis of ${d.host}`,
    '',
    `- Registry: ${d.host}${d.baseUrl ? ` (${d.baseUrl})` : ''}`,
    `- As: ${d.username ?? 'anonymous'}`,
    ...(d.repository !== undefined ? [`- Repository: ${d.repository}`] : []),
    `- Run: ${d.startedAt}, ${d.ms} ms`,
    `- Result: ${STATUS_LABEL[d.status]}: ${d.summary}`,
    '',
    ...d.steps.flatMap(stepMarkdown),
    'Passwords and tokens are left out: the commands read them from $PASSWORD and $TOKEN.',
  ];
  return `${lines
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim()}\n`;
}
