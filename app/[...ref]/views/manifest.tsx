import { traitsOf } from '@/lib/registry';
import { formatRef } from '@/lib/route-target';
import { clientFor } from '@/lib/server/api';
import { fetchHubIndexDetails } from '@/lib/server/browse';
import { keys } from '@/components/data';
import { DeleteButton } from '@/components/delete/delete-dialog';
import { PullLimit } from '@/components/docker-hub/pull-limit';
import { ManifestView } from '@/components/manifest/manifest-view';
import { RememberRepository } from '@/components/repositories/recent-repositories';
import { fillDetails, fillManifest, reportUnexpected } from '../prefetch';
import { ViewSkeleton } from './skeleton';
import type { Prefetch, View, ViewTarget } from './view';

/**
 * Docker Hub: an index's entries described by the Hub API (one request, no pull), under the keys
 * of the index rows. No endpoint answers this: only a page being rendered asks, and without it
 * the rows offer to read the entries (each a pull).
 */
async function fillHubIndexDetails({ queryClient, scope }: Prefetch, host: string, repository: string, tag: string): Promise<void> {
  const client = await clientFor(host, scope);
  const details = await fetchHubIndexDetails(client, repository, tag).catch((e: unknown) => {
    reportUnexpected(e);
    return [];
  });
  for (const detail of details) queryClient.setQueryData(keys.detail(host, repository, detail.reference), detail);
}

/** /HOST/REPO:TAG and /HOST/REPO@DIGEST: a manifest, or an index and its platforms. */
export const manifest: View<ViewTarget<'tag' | 'digest'>> = {
  title: (target) => formatRef(target),

  async prefetch(p, target) {
    const { host, repository } = target;
    const reference = target.kind === 'tag' ? target.tag : target.digest;
    const manifest = await fillManifest(p, host, repository, reference);
    if (manifest.kind !== 'index') return;
    // An index's rows show each entry's size and date. On Docker Hub the Hub API describes what
    // it can, and nothing more is read: every child manifest read would cost the person a pull
    // (the page offers to read the rest). Elsewhere the child manifests do: the rows are the
    // index's own entries and paint at once, each one's size and date streaming in as its child
    // manifest is read (at once where it is known).
    if (traitsOf(host).readsArePulls) {
      if (target.kind === 'tag') await fillHubIndexDetails(p, host, repository, target.tag);
      return;
    }
    const entries = manifest.manifests.map((m) => m.digest).slice(0, 100);
    await fillDetails(p, host, repository, entries, { paintWithout: true });
  },

  view(target) {
    const { host, repository } = target;
    const [tag, digest] = target.kind === 'tag' ? [target.tag, undefined] : [undefined, target.digest];
    return (
      <>
        {/* This browser remembers the repositories it opened, for registries that do not list theirs. */}
        <RememberRepository host={host} repository={repository} queryKey={keys.manifest(host, repository, tag ?? digest)} />
        <ManifestView
          {...(tag !== undefined ? { tag } : { digest })}
          host={host}
          repository={repository}
          actions={<DeleteButton host={host} repository={repository} tag={tag} reference={tag ?? digest} />}
          notices={traitsOf(host).pullLimit ? <PullLimit /> : null}
        />
      </>
    );
  },

  skeleton: <ViewSkeleton shape="manifest" />,
};
