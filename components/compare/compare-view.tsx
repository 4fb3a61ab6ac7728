'use client';

import { useId } from 'react';
import Form from 'next/form';
import Link from 'next/link';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import type { ImageConfigBody, ImageManifestBody, IndexManifestBody, ManifestBody } from '@/lib/api/types';
import { isDigest } from '@/lib/registry/reference';
import { compareHref, hrefFor } from '@/lib/route-target';
import { Button, buttonClass } from '@/components/ui/button';
import { CopyLinkButton } from '@/components/ui/copy-button';
import { EmptyState } from '@/components/ui/empty-state';
import { ErrorState } from '@/components/ui/error-state';
import { fieldClass, nameInputProps } from '@/components/ui/field';
import { formatBytes, formatDate, plural, shortDigest } from '@/components/ui/format';
import { Notice } from '@/components/ui/notice';
import { PageHeader } from '@/components/ui/page-header';
import { ManifestSkeleton } from '@/components/ui/skeleton';
import { Fact, Facts, Muted, Section, Table, Td, Th } from '@/components/ui/table';
import { DigestLink } from '@/components/ui/digest-link';
import { LayerCells, LayerHeaderCells } from '@/components/ui/layer-cells';
import { cleanCreatedBy } from '@/components/ui/history';
import { FilesCompared } from './files-compared';
import { configQueryOptions, manifestQueryOptions, tagsQueryOptions } from '@/components/data';
import {
  CONFIG_FIELDS,
  compareImages,
  configPlatform,
  defaultPlatform,
  pairPlatforms,
  type ConfigChange,
  type ConfigField,
  type ImageComparison,
  type LayerEntry,
} from './image-diff';

interface CompareViewProps {
  host: string;
  repository: string;
  /** Tags or digests, from `?a=` and `?b=`. */
  a?: string;
  b?: string;
  /** For two indexes: the platform compared (`?platform=`). */
  platform?: string;
}

/** The page for /HOST/REPO/-/compare?a=REF&b=REF. */
export function CompareView({ host, repository, a, b, platform }: CompareViewProps) {
  return (
    <div>
      <PageHeader host={host} repository={repository} view={{ label: 'compare', href: compareHref(host, repository, a, b) }} actions={<CopyLinkButton />} />
      <h1 className="mb-4 text-xl font-semibold">Compare</h1>
      <Picker host={host} repository={repository} a={a} b={b} />
      {a && b ? (
        <Comparison host={host} repository={repository} a={a} b={b} platform={platform} />
      ) : (
        <EmptyState size="lg">Name two tags or digests of {repository} to see what changed between them.</EmptyState>
      )}
    </div>
  );
}

/** A and B: any tag (suggested from the repository's first page of tags) or digest. */
function Picker({ host, repository, a, b }: { host: string; repository: string; a?: string; b?: string }) {
  const tags = useInfiniteQuery(tagsQueryOptions(host, repository));
  const listId = useId();
  const field = (name: 'a' | 'b', value: string | undefined) => (
    <label className="flex min-w-0 flex-1 basis-56 flex-col gap-1 text-sm font-medium text-fg-soft">
      {name.toUpperCase()} (tag or digest)
      <input
        name={name}
        defaultValue={value}
        list={listId}
        required
        {...nameInputProps}
        className={`px-3 py-1.5 font-mono text-sm font-normal ${fieldClass}`}
      />
    </label>
  );
  return (
    <Form action={compareHref(host, repository)} className="mb-6 flex flex-wrap items-end gap-3">
      {field('a', a)}
      {field('b', b)}
      <datalist id={listId}>
        {(tags.data?.pages[0]?.tags ?? []).map((t) => (
          <option key={t} value={t} />
        ))}
      </datalist>
      <Button type="submit">Compare</Button>
      {a && b ? (
        <Link href={compareHref(host, repository, b, a)} className={buttonClass('secondary')}>
          Swap A and B
        </Link>
      ) : null}
    </Form>
  );
}

function notComparable(manifest: ManifestBody): string | undefined {
  if (manifest.kind === 'legacy') return 'a legacy schema 1 manifest';
  if (manifest.kind === 'image' && manifest.isArtifact) return `an artifact (${manifest.artifactType ?? manifest.config.mediaType})`;
  return undefined;
}

function Comparison({ host, repository, a, b, platform }: Required<Omit<CompareViewProps, 'platform'>> & { platform?: string }) {
  const qa = useQuery(manifestQueryOptions(host, repository, a));
  const qb = useQuery(manifestQueryOptions(host, repository, b));
  if (qa.isError) return <ErrorState error={qa.error} onRetry={() => void qa.refetch()} host={host} title={`Could not load A (${a})`} />;
  if (qb.isError) return <ErrorState error={qb.error} onRetry={() => void qb.refetch()} host={host} title={`Could not load B (${b})`} />;
  if (qa.isPending || qb.isPending) return <ManifestSkeleton />;
  const ma = qa.data;
  const mb = qb.data;
  const odd = notComparable(ma) ? `A is ${notComparable(ma)}` : notComparable(mb) ? `B is ${notComparable(mb)}` : undefined;
  if (odd) return <Notice>Berth compares images and multi-platform indexes; {odd}.</Notice>;
  const sides = { host, repository, a, b };
  if (ma.digest === mb.digest) return <SameManifest {...sides} manifest={ma} />;
  if (ma.kind === 'index' && mb.kind === 'index') return <IndexesCompared {...sides} ma={ma} mb={mb} platform={platform} />;
  if (ma.kind === 'index' && mb.kind === 'image') return <IndexAndImage {...sides} index={ma} image={mb} indexSide="a" />;
  if (ma.kind === 'image' && mb.kind === 'index') return <IndexAndImage {...sides} index={mb} image={ma} indexSide="b" />;
  if (ma.kind === 'image' && mb.kind === 'image') return <ImagesCompared {...sides} ma={ma} mb={mb} />;
  return null;
}

interface Sides {
  host: string;
  repository: string;
  /** The references as named in the link. */
  a: string;
  b: string;
}

/** Two indexes: their platforms side by side, then one platform's images compared. */
function IndexesCompared({ host, repository, a, b, ma, mb, platform }: Sides & { ma: IndexManifestBody; mb: IndexManifestBody; platform?: string }) {
  const pairs = pairPlatforms(ma.manifests, mb.manifests);
  const chosen = defaultPlatform(pairs, platform);
  const pair = pairs.find((p) => p.platform === chosen);
  const link = (p: string) => `${compareHref(host, repository, a, b)}&platform=${encodeURIComponent(p)}`;
  return (
    <div className="space-y-8">
      <Section title="Platforms" aside={`${plural(pairs.filter((p) => p.a && p.b).length, 'platform', 'platforms')} in both`}>
        <Table caption="Platforms of A and B">
          <thead>
            <tr>
              <Th>Platform</Th>
              <Th>A</Th>
              <Th>B</Th>
            </tr>
          </thead>
          <tbody>
            {pairs.map((p) => (
              <tr key={p.platform} className={p.platform === chosen ? 'bg-accent-soft' : ''}>
                <Td mono>
                  {p.a && p.b && p.platform !== chosen ? (
                    <Link href={link(p.platform)} className={buttonClass('link')} aria-label={`Compare ${p.platform}`}>
                      {p.platform}
                    </Link>
                  ) : (
                    p.platform
                  )}
                  {p.platform === chosen ? <div className="font-sans text-muted">compared below</div> : null}
                </Td>
                <Td>{p.a ? <DigestLink host={host} repository={repository} digest={p.a} /> : <Muted>only in B</Muted>}</Td>
                <Td>{p.b ? <DigestLink host={host} repository={repository} digest={p.b} /> : <Muted>only in A</Muted>}</Td>
              </tr>
            ))}
          </tbody>
        </Table>
      </Section>
      {pair?.a && pair.b ? (
        <ChildrenCompared host={host} repository={repository} a={pair.a} b={pair.b} labelA={`${a} (${pair.platform})`} labelB={`${b} (${pair.platform})`} />
      ) : (
        <Notice>A and B have no platform in common: there is no image to compare.</Notice>
      )}
    </div>
  );
}

/** An index and an image: the index's image for the other's platform. */
function IndexAndImage({
  host,
  repository,
  a,
  b,
  index,
  image,
  indexSide,
}: Sides & { index: IndexManifestBody; image: ImageManifestBody; indexSide: 'a' | 'b' }) {
  const config = useQuery(configQueryOptions(host, repository, image.config.digest));
  if (config.isError)
    return <ErrorState error={config.error} onRetry={() => void config.refetch()} host={host} title="Could not load the image configuration" />;
  if (config.isPending) return <ManifestSkeleton />;
  const platform = configPlatform(config.data);
  const child = index.manifests.find(
    (m) => m.attestationFor === undefined && platform !== undefined && (m.platformLabel === platform || m.platformLabel.startsWith(`${platform} `)),
  );
  const [indexRef, imageRef] = indexSide === 'a' ? [a, b] : [b, a];
  if (!child)
    return (
      <Notice>
        {indexSide.toUpperCase()} ({indexRef}) is a multi-platform index with no {platform ?? 'matching'} image, the platform of {imageRef}.
      </Notice>
    );
  const childLabel = `${indexRef} (${child.platformLabel})`;
  return indexSide === 'a' ? (
    <ChildrenCompared host={host} repository={repository} a={child.digest} b={image.digest} labelA={childLabel} labelB={b} />
  ) : (
    <ChildrenCompared host={host} repository={repository} a={image.digest} b={child.digest} labelA={a} labelB={childLabel} />
  );
}

/** Two image manifests by digest (an index's platform images). */
function ChildrenCompared({
  host,
  repository,
  a,
  b,
  labelA,
  labelB,
}: {
  host: string;
  repository: string;
  a: string;
  b: string;
  labelA: string;
  labelB: string;
}) {
  const qa = useQuery(manifestQueryOptions(host, repository, a));
  const qb = useQuery(manifestQueryOptions(host, repository, b));
  if (qa.isError) return <ErrorState error={qa.error} onRetry={() => void qa.refetch()} host={host} title={`Could not load A (${labelA})`} />;
  if (qb.isError) return <ErrorState error={qb.error} onRetry={() => void qb.refetch()} host={host} title={`Could not load B (${labelB})`} />;
  if (qa.isPending || qb.isPending) return <ManifestSkeleton />;
  if (qa.data.kind !== 'image' || qb.data.kind !== 'image') return <Notice>These platform entries are not image manifests; Berth cannot compare them.</Notice>;
  return <ImagesCompared host={host} repository={repository} a={labelA} b={labelB} ma={qa.data} mb={qb.data} />;
}

function ImagesCompared({ host, repository, a, b, ma, mb }: Sides & { ma: ImageManifestBody; mb: ImageManifestBody }) {
  const ca = useQuery(configQueryOptions(host, repository, ma.config.digest));
  const cb = useQuery(configQueryOptions(host, repository, mb.config.digest));
  if (ca.isError) return <ErrorState error={ca.error} onRetry={() => void ca.refetch()} host={host} title={`Could not load A’s configuration`} />;
  if (cb.isError) return <ErrorState error={cb.error} onRetry={() => void cb.refetch()} host={host} title={`Could not load B’s configuration`} />;
  if (ca.isPending || cb.isPending) return <ManifestSkeleton />;
  // An index's image for the platform can be the very image on the other side.
  if (ma.digest === mb.digest) return <SameManifest host={host} repository={repository} a={a} b={b} manifest={ma} />;
  const comparison = compareImages({ manifest: ma, config: ca.data }, { manifest: mb, config: cb.data });
  return (
    <div className="space-y-8">
      <div className="grid gap-4 md:grid-cols-2">
        <SideFacts letter="A" reference={a} host={host} repository={repository} manifest={ma} config={ca.data} />
        <SideFacts letter="B" reference={b} host={host} repository={repository} manifest={mb} config={cb.data} />
      </div>
      <Notice role="note" aria-label="Summary">
        <Summary comparison={comparison} />
      </Notice>
      <BaseSection comparison={comparison} />
      <LayersSection comparison={comparison} />
      <ConfigSection changes={comparison.config} />
      <FilesCompared host={host} repository={repository} a={ma} b={mb} />
    </div>
  );
}

/** A and B are one and the same manifest (two tags on one digest, a tag and its digest…): nothing to compare. */
function SameManifest({ host, repository, a, b, manifest }: Sides & { manifest: ManifestBody }) {
  return (
    <Notice role="note" aria-label="Summary">
      A ({a}) and B ({b}) are the same {manifest.kind === 'index' ? 'index' : 'image'}: both are{' '}
      <DigestLink host={host} repository={repository} digest={manifest.digest} />, so nothing differs. Name another tag or digest to compare.
    </Notice>
  );
}

function SideFacts({
  letter,
  reference,
  host,
  repository,
  manifest,
  config,
}: {
  letter: string;
  reference: string;
  host: string;
  repository: string;
  manifest: ImageManifestBody;
  config: ImageConfigBody;
}) {
  // "v1", a digest, or "v1 (linux/arm64)" for an index's platform image.
  const tag = reference.split(' ')[0] ?? reference;
  const href = isDigest(tag) ? hrefFor({ host, repository, digest: tag }) : hrefFor({ host, repository, tag });
  return (
    <section aria-label={letter} className="min-w-0 space-y-2">
      <h2 className="flex min-w-0 items-baseline gap-2 text-base font-semibold">
        <span className="rounded bg-inverse px-1.5 text-sm text-inverse-fg">{letter}</span>
        <Link href={href} className="min-w-0 font-mono text-sm break-all hover:underline">
          {isDigest(tag) ? reference.replace(tag, shortDigest(tag)) : reference}
        </Link>
      </h2>
      <Facts>
        <Fact label="Digest" mono>
          <DigestLink host={host} repository={repository} digest={manifest.digest} />
        </Fact>
        <Fact label="Platform" mono>
          {configPlatform(config) ?? <Muted>unknown</Muted>}
        </Fact>
        <Fact label="Created">{config.created ? <time dateTime={config.created}>{formatDate(config.created)}</time> : <Muted>unknown</Muted>}</Fact>
        <Fact label="Compressed size">
          {formatBytes(manifest.totalSize)} <span className="text-faint">· {plural(manifest.layers.length, 'layer', 'layers')}</span>
        </Fact>
      </Facts>
    </section>
  );
}

const DURATION_UNITS: Array<[string, number]> = [
  ['year', 365 * 86_400_000],
  ['month', 30 * 86_400_000],
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
];

/** "3 days", "2 hours": the largest whole unit. */
function duration(ms: number): string {
  for (const [unit, size] of DURATION_UNITS) {
    const n = Math.floor(ms / size);
    if (n >= 1) return plural(n, unit, `${unit}s`);
  }
  return 'less than a minute';
}

function Summary({ comparison }: { comparison: ImageComparison }) {
  const { size, created } = comparison;
  const percent = size.a > 0 ? ` (${size.delta > 0 ? '+' : '−'}${Math.abs((100 * size.delta) / size.a).toFixed(1)}%)` : '';
  const sizeText =
    size.delta === 0 ? 'B is the same size as A' : `B is ${formatBytes(Math.abs(size.delta))} ${size.delta > 0 ? 'larger' : 'smaller'} than A${percent}`;
  const when =
    created.deltaMs === undefined
      ? 'one of them does not say when it was built'
      : created.deltaMs === 0
        ? 'both were built at the same moment'
        : `B was built ${duration(Math.abs(created.deltaMs))} ${created.deltaMs > 0 ? 'after' : 'before'} A`;
  return (
    <p>
      {sizeText}, compressed; {when}.
    </p>
  );
}

function baseName(ref: { name?: string; digest?: string } | undefined): string | undefined {
  if (!ref) return undefined;
  return [ref.name, ref.digest ? shortDigest(ref.digest) : undefined].filter(Boolean).join(' @ ');
}

function BaseSection({ comparison }: { comparison: ImageComparison }) {
  const { base, layers } = comparison;
  const a = baseName(base.a);
  const b = baseName(base.b);
  const sameAnnotated = a !== undefined && a === b;
  return (
    <Section title="Base image">
      <div className="space-y-1 rounded-lg border border-border p-4 text-sm">
        {a !== undefined || b !== undefined ? (
          <p>
            {sameAnnotated ? 'Both are built on ' : 'A is built on '}
            <code className="font-mono text-xs break-all">{a ?? 'a base it does not name'}</code>
            {sameAnnotated ? null : (
              <>
                , B on <code className="font-mono text-xs break-all">{b ?? 'a base it does not name'}</code>
                {a !== undefined && b !== undefined ? ': the base image changed' : ''}
              </>
            )}{' '}
            (their <code className="font-mono text-xs">org.opencontainers.image.base.*</code> annotations).
          </p>
        ) : null}
        <p>
          {base.leading.layers > 0
            ? `A and B share their first ${base.leading.layers === 1 ? 'layer' : `${base.leading.layers} layers`} (${formatBytes(base.leading.size)}): the same base image${base.leading.layers === Math.min(layers.shared.length + layers.onlyA.length, layers.shared.length + layers.onlyB.length) ? ', and one is built on the other' : ''}.`
            : 'A and B have no layers in common from the first one on: they are built on different base images.'}
        </p>
      </div>
    </Section>
  );
}

function LayerTable({ title, entries, positions }: { title: string; entries: LayerEntry[]; positions: Array<'a' | 'b'> }) {
  return (
    <div className="space-y-1">
      <h3 className="text-sm font-semibold">
        {title}{' '}
        <span className="font-normal text-faint">
          · {plural(entries.length, 'layer', 'layers')} · {formatBytes(entries.reduce((s, l) => s + l.size, 0))}
        </span>
      </h3>
      {entries.length === 0 ? (
        <p className="text-sm text-muted">None.</p>
      ) : (
        <Table caption={title}>
          <thead>
            <tr>
              {positions.map((p) => (
                <Th key={p} className="w-12">
                  # {p.toUpperCase()}
                </Th>
              ))}
              <LayerHeaderCells stepLabel="Made by" />
            </tr>
          </thead>
          <tbody>
            {entries.map((layer, i) => {
              const step = cleanCreatedBy(layer.step);
              return (
                <tr key={`${layer.digest}-${i}`}>
                  {positions.map((p) => {
                    const index = p === 'a' ? layer.indexA : layer.indexB;
                    return (
                      <Td key={p} className="text-faint tabular-nums">
                        {index !== undefined ? index + 1 : ''}
                      </Td>
                    );
                  })}
                  <LayerCells digest={layer.digest} size={layer.size} step={step} />
                </tr>
              );
            })}
          </tbody>
        </Table>
      )}
    </div>
  );
}

function LayersSection({ comparison }: { comparison: ImageComparison }) {
  const { layers } = comparison;
  return (
    <Section title="Layers" aside={`${layers.shared.length} shared · ${layers.onlyA.length} only in A · ${layers.onlyB.length} only in B`}>
      <div className="space-y-5">
        <LayerTable title="Only in B" entries={layers.onlyB} positions={['b']} />
        <LayerTable title="Only in A" entries={layers.onlyA} positions={['a']} />
        <LayerTable title="Shared layers" entries={layers.shared} positions={['a', 'b']} />
      </div>
    </Section>
  );
}

const FIELD_LABELS: Record<ConfigField, string> = {
  Entrypoint: 'Entrypoint',
  Cmd: 'Cmd',
  User: 'User',
  WorkingDir: 'Working directory',
  Env: 'Environment',
  ExposedPorts: 'Exposed port',
  Volumes: 'Volume',
  Labels: 'Label',
};

const CHANGE_CLASS: Record<ConfigChange['change'], string> = {
  added: 'text-accent',
  removed: 'text-danger',
  changed: 'text-warning-fg',
};

function ConfigSection({ changes }: { changes: ConfigChange[] }) {
  const ordered = [...changes].sort((x, y) => CONFIG_FIELDS.indexOf(x.field) - CONFIG_FIELDS.indexOf(y.field));
  return (
    <Section title="Configuration" aside={plural(changes.length, 'difference', 'differences')}>
      {ordered.length === 0 ? (
        <EmptyState as="p" size="sm">
          The same configuration: entrypoint, cmd, user, working directory, environment, exposed ports, volumes and labels.
        </EmptyState>
      ) : (
        <Table caption="Configuration differences">
          <thead>
            <tr>
              <Th>Setting</Th>
              <Th>A</Th>
              <Th>B</Th>
            </tr>
          </thead>
          <tbody>
            {ordered.map((c) => {
              // A port or volume is there or not; other settings have values.
              const presence = c.field === 'ExposedPorts' || c.field === 'Volumes';
              const value = (v: string | undefined) => (v === undefined ? <Muted>—</Muted> : presence ? 'yes' : v);
              return (
                <tr key={`${c.field}-${c.key ?? ''}`}>
                  <Td>
                    <div className="text-xs text-faint">
                      {FIELD_LABELS[c.field]} <span className={`font-medium ${CHANGE_CLASS[c.change]}`}>{c.change}</span>
                    </div>
                    {c.key !== undefined ? <div className="font-mono text-xs break-all">{c.key}</div> : null}
                  </Td>
                  {/* A floor under each value: breaking anywhere would otherwise let the table squeeze it to a letter a line. */}
                  <Td mono className="min-w-20 whitespace-pre-wrap [overflow-wrap:anywhere] sm:min-w-32">
                    {value(c.a)}
                  </Td>
                  <Td mono className="min-w-20 whitespace-pre-wrap [overflow-wrap:anywhere] sm:min-w-32">
                    {value(c.b)}
                  </Td>
                </tr>
              );
            })}
          </tbody>
        </Table>
      )}
    </Section>
  );
}
