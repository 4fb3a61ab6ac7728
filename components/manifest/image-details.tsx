'use client';

import Link from 'next/link';
import { useQuery } from '@tanstack/react-query';
import type { HistoryEntry, ImageConfigBody, ImageManifestBody } from '@/lib/api/types';
import { filesHref } from '@/lib/route-target';
import { ErrorState } from '@/components/ui/error-state';
import { formatBytes, formatDate, formatRelative, plural } from '@/components/ui/format';
import { Skeleton } from '@/components/ui/skeleton';
import { Fact, Facts, KeyValueTable, Muted, Section, Table, Td, Th } from '@/components/ui/table';
import { DigestText } from '@/components/ui/digest-link';
import { cleanCreatedBy } from '@/components/ui/history';
import { LayerCells, LayerHeaderCells } from '@/components/ui/layer-cells';
import { configQueryOptions } from '@/components/data';
import { RawDocument } from './raw-document';

function command(value: string[] | undefined): React.ReactNode {
  if (!value || value.length === 0) return <Muted>none</Muted>;
  return JSON.stringify(value);
}

function splitEnv(env: string[]): [string, string][] {
  return env.map((line) => {
    const eq = line.indexOf('=');
    return eq < 0 ? [line, ''] : [line.slice(0, eq), line.slice(eq + 1)];
  });
}

function Created({ iso }: { iso: string | undefined }) {
  if (!iso) return <Muted>unknown</Muted>;
  const relative = formatRelative(iso);
  return (
    <time dateTime={iso}>
      {formatDate(iso)}
      {relative ? <span className="text-faint"> ({relative})</span> : null}
    </time>
  );
}

function ConfigFacts({ config }: { config: ImageConfigBody }) {
  const platform = [config.os, config.architecture, config.variant].filter(Boolean).join('/');
  return (
    <>
      <Fact label="Created">
        <Created iso={config.created} />
      </Fact>
      <Fact label="OS / architecture" mono>
        {platform || <Muted>unknown</Muted>}
      </Fact>
      <Fact label="User" mono>
        {config.user || <Muted>root (not set)</Muted>}
      </Fact>
      <Fact label="Working directory" mono>
        {config.workingDir || <Muted>/ (not set)</Muted>}
      </Fact>
      <Fact label="Entrypoint" mono>
        {command(config.entrypoint)}
      </Fact>
      <Fact label="Cmd" mono>
        {command(config.cmd)}
      </Fact>
      <Fact label="Exposed ports" mono>
        {config.exposedPorts.length ? config.exposedPorts.join(', ') : <Muted>none</Muted>}
      </Fact>
      <Fact label="Volumes" mono>
        {config.volumes.length ? config.volumes.join(', ') : <Muted>none</Muted>}
      </Fact>
      {config.author ? <Fact label="Author">{config.author}</Fact> : null}
      {config.stopSignal ? (
        <Fact label="Stop signal" mono>
          {config.stopSignal}
        </Fact>
      ) : null}
    </>
  );
}

function LayersTable({ manifest, history }: { manifest: ImageManifestBody; history: HistoryEntry[] | undefined }) {
  const stepsByLayer = new Map<number, string>();
  for (const step of history ?? []) {
    if (step.layerIndex !== undefined && !stepsByLayer.has(step.layerIndex)) {
      stepsByLayer.set(step.layerIndex, cleanCreatedBy(step.created_by));
    }
  }
  return (
    <Section title="Layers" aside={`${plural(manifest.layers.length, 'layer', 'layers')} · ${formatBytes(manifest.totalSize)} to pull`}>
      {manifest.layers.length === 0 ? (
        <p className="text-sm text-muted">This manifest has no layers.</p>
      ) : (
        <Table caption="Layers">
          <thead>
            <tr>
              <Th className="w-10">#</Th>
              <LayerHeaderCells stepLabel="Created by" />
            </tr>
          </thead>
          <tbody>
            {manifest.layers.map((layer, index) => {
              const step = stepsByLayer.get(index) || layer.annotations?.['org.opencontainers.image.title'];
              return (
                <tr key={`${layer.digest}-${index}`}>
                  <Td className="tabular-nums">
                    {manifest.isArtifact ? (
                      <span className="text-faint">{index + 1}</span>
                    ) : (
                      <Link
                        href={filesHref({ host: manifest.host, repository: manifest.repository, digest: manifest.digest }, { layer: index + 1 })}
                        className="text-accent hover:underline"
                        aria-label={`Files of layer ${index + 1}`}
                      >
                        {index + 1}
                      </Link>
                    )}
                  </Td>
                  <LayerCells digest={layer.digest} size={layer.size} step={step ?? ''} />
                </tr>
              );
            })}
          </tbody>
        </Table>
      )}
    </Section>
  );
}

function HistoryTable({ history }: { history: HistoryEntry[] }) {
  return (
    <Section title="History" aside={plural(history.length, 'step', 'steps')}>
      <Table caption="Build history">
        <thead>
          <tr>
            <Th className="w-10">#</Th>
            <Th>Step</Th>
            <Th className="hidden whitespace-nowrap sm:table-cell">Created</Th>
          </tr>
        </thead>
        <tbody>
          {history.map((step, index) => (
            <tr key={index} className={step.empty_layer ? 'text-faint' : ''}>
              <Td className="tabular-nums">{index + 1}</Td>
              <Td mono className="whitespace-pre-wrap [overflow-wrap:anywhere] sm:min-w-64">
                {cleanCreatedBy(step.created_by) || <Muted>—</Muted>}
                {step.layerIndex !== undefined ? (
                  <span className="ml-2 rounded bg-chip px-1.5 py-0.5 font-sans text-[11px]">layer {step.layerIndex + 1}</span>
                ) : null}
                {step.comment ? <div className="mt-1 font-sans text-faint">{step.comment}</div> : null}
                {step.created ? (
                  <div className="mt-1 font-sans text-faint sm:hidden" title={step.created}>
                    {formatRelative(step.created)}
                  </div>
                ) : null}
              </Td>
              <Td className="hidden text-xs whitespace-nowrap sm:table-cell" title={step.created}>
                {step.created ? formatRelative(step.created) : ''}
              </Td>
            </tr>
          ))}
        </tbody>
      </Table>
    </Section>
  );
}

export function ImageDetails({ manifest }: { manifest: ImageManifestBody }) {
  const { host, repository } = manifest;
  const config = useQuery(configQueryOptions(host, repository, manifest.config.digest));
  const data = config.data;
  const labels = Object.entries(data?.labels ?? {}).sort(([a], [b]) => a.localeCompare(b));

  return (
    <div className="space-y-8">
      <Section title="Image">
        <Facts>
          <Fact label="Total size">
            {formatBytes(manifest.totalSize)} <span className="text-faint">compressed</span>
          </Fact>
          <Fact label="Config" mono>
            <DigestText digest={manifest.config.digest} />
          </Fact>
          {data ? (
            <ConfigFacts config={data} />
          ) : config.isPending ? (
            Array.from({ length: 6 }, (_, i) => (
              <div key={i} className="space-y-1.5">
                <Skeleton className="h-3 w-20" />
                <Skeleton className="h-4 w-3/4" />
              </div>
            ))
          ) : null}
        </Facts>
        {config.isError ? (
          <ErrorState error={config.error} onRetry={() => void config.refetch()} host={host} title="Could not load the image configuration" />
        ) : null}
      </Section>

      {data ? (
        <Section title="Environment" aside={plural(data.env.length, 'variable', 'variables')}>
          {data.env.length ? (
            <KeyValueTable entries={splitEnv(data.env)} caption="Environment variables" />
          ) : (
            <p className="text-sm text-muted">No environment variables.</p>
          )}
        </Section>
      ) : null}

      {data && labels.length ? (
        <Section title="Labels" aside={plural(labels.length, 'label', 'labels')}>
          <KeyValueTable entries={labels} caption="Labels" keyHeading="Label" />
        </Section>
      ) : null}

      <LayersTable manifest={manifest} history={data?.history} />

      {data && data.history.length ? <HistoryTable history={data.history} /> : null}

      <RawDocument host={host} repository={repository} digest={manifest.config.digest} kind="blob" noun="Config" />
    </div>
  );
}
