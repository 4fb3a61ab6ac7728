import type { DiagnosisStep } from '@/lib/api/types';
import { CopyButton } from '@/components/ui/copy-button';
import { BreakableName, Fact, Facts, Section, Table, Td, Th } from '@/components/ui/table';
import { requestLine } from './report';
import { Sentence } from './sentence';
import { StatusBadge } from './status-badge';

/** A command or request line: wraps anywhere on a phone rather than scrolling sideways. */
function CodeBlock({ children, label }: { children: string; label: string }) {
  return (
    <pre aria-label={label} className="rounded-md border border-border bg-subtle p-3 font-mono text-xs leading-5 whitespace-pre-wrap [overflow-wrap:anywhere]">
      {children}
    </pre>
  );
}

/** A challenge's parameters, one to a line as the header reads ("realm", "service"…): fits a phone. */
function Param({ name, children }: { name: string; children: React.ReactNode }) {
  return (
    <span className="block">
      <span className="text-faint">{name} </span>
      {children}
    </span>
  );
}

function Challenges({ challenges }: { challenges: NonNullable<DiagnosisStep['challenges']> }) {
  return (
    <Table caption="Challenges (WWW-Authenticate)">
      <thead>
        <tr>
          <Th className="w-24">Scheme</Th>
          <Th>Parameters</Th>
        </tr>
      </thead>
      <tbody>
        {challenges.map((c, i) => (
          <tr key={i}>
            <Td mono>{c.scheme}</Td>
            <Td mono className="space-y-0.5">
              {c.realm !== undefined ? (
                <Param name="realm">
                  <BreakableName>{c.realm}</BreakableName>
                  {c.realmUrl ? (
                    <span className="block text-faint">
                      → <BreakableName>{c.realmUrl}</BreakableName>
                    </span>
                  ) : null}
                </Param>
              ) : null}
              {c.service !== undefined ? <Param name="service">{c.service}</Param> : null}
              {c.scope !== undefined ? (
                <Param name="scope">
                  <BreakableName>{c.scope}</BreakableName>
                </Param>
              ) : null}
              {c.error !== undefined ? <Param name="error">{c.error}</Param> : null}
              {c.realm === undefined && c.service === undefined && c.scope === undefined && c.error === undefined ? (
                <span className="text-faint">none</span>
              ) : null}
            </Td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}

function Access({ access }: { access: NonNullable<DiagnosisStep['access']> }) {
  return (
    <Table caption="Access asked and granted">
      <thead>
        <tr>
          <Th>Access asked</Th>
          <Th>Granted</Th>
        </tr>
      </thead>
      <tbody>
        {access.map((a) => (
          <tr key={a.scope}>
            <Td mono>
              <BreakableName>{a.scope}</BreakableName>
            </Td>
            <Td mono className={a.covered ? '' : 'font-semibold text-danger'}>
              {a.granted.length ? a.granted.join(',') : 'nothing'}
              {a.covered ? '' : ' (missing)'}
            </Td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}

function RateLimits({ rows }: { rows: NonNullable<DiagnosisStep['rateLimits']> }) {
  return (
    <Table caption="Rate-limit headers">
      <thead>
        <tr>
          <Th>Header</Th>
          <Th>Value</Th>
          <Th>From</Th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r, i) => (
          <tr key={i}>
            <Td mono>{r.header}</Td>
            <Td mono>{r.value}</Td>
            <Td mono>
              <BreakableName>{r.from}</BreakableName>
            </Td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}

/** One step: its status and time, the sentence, the facts, what was sent, and how to do it by hand. */
export function StepCard({ step, index }: { step: DiagnosisStep; index: number }) {
  const title = `${index + 1}. ${step.title}`;
  return (
    <li data-step={step.id} data-status={step.status} className="rounded-lg border border-border p-4">
      <Section
        title={title}
        aside={
          <span className="flex items-center gap-2">
            <StatusBadge status={step.status} />
            {step.status === 'skipped' ? null : <span className="tabular-nums">{step.ms} ms</span>}
          </span>
        }
      >
        <p className={`text-sm ${step.status === 'skipped' ? 'text-muted' : ''}`}>
          <Sentence text={step.sentence} />
        </p>
        {step.error ? (
          <p className="text-xs text-muted">
            Berth&rsquo;s other views show this as <code className="rounded bg-chip px-1.5 py-0.5 font-mono">{step.error.code}</code>
          </p>
        ) : null}
        {step.facts.length ? (
          <Facts>
            {step.facts.map((f) => (
              <Fact key={f.label} label={f.label} mono>
                {f.value}
              </Fact>
            ))}
          </Facts>
        ) : null}
        {step.challenges?.length ? <Challenges challenges={step.challenges} /> : null}
        {step.access?.length ? <Access access={step.access} /> : null}
        {step.rateLimits?.length ? <RateLimits rows={step.rateLimits} /> : null}
        {step.requests.length ? <CodeBlock label={`Requests of ${step.title}`}>{step.requests.map(requestLine).join('\n')}</CodeBlock> : null}
        {step.curl ? (
          <div className="space-y-1.5">
            <div className="flex flex-wrap items-center justify-between gap-2">
              <h3 className="text-xs font-medium text-faint">By hand</h3>
              <CopyButton label={`Copy curl: ${step.title}`} value={step.curl}>
                Copy curl
              </CopyButton>
            </div>
            <CodeBlock label={`curl for ${step.title}`}>{step.curl}</CodeBlock>
          </div>
        ) : null}
      </Section>
    </li>
  );
}
