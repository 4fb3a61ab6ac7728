import { formatRef } from '@/lib/route-target';
import { FilesView } from '@/components/files/files-view';
import { reportUnexpected, fillManifest } from '../prefetch';
import { ViewSkeleton } from './skeleton';
import type { View, ViewTarget } from './view';

/**
 * /HOST/REPO:TAG/-/files (or @DIGEST): the image's filesystem, `?path=` a directory, `?file=` a
 * file, `?layer=N` one layer on its own, `?platform=` an index's image. The page carries the
 * manifest (and the platform's); the files themselves the browser asks for, showing how far a
 * first read of the layers has got (a render would have to wait for it, and could not cancel it).
 */
export const files: View<ViewTarget<'files'>> = {
  title: (target) => `Files · ${formatRef(target)}`,

  async prefetch(p, target, search) {
    const { host, repository } = target;
    const manifest = await fillManifest(p, host, repository, target.digest ?? target.tag ?? '');
    if (manifest.kind !== 'index') return;
    const platform = search('platform');
    const chosen = manifest.manifests.find((m) => !m.attestationFor && (platform === undefined || m.platformLabel === platform));
    if (chosen) await fillManifest(p, host, repository, chosen.digest).catch(reportUnexpected);
  },

  view: (target, search) => (
    <FilesView
      host={target.host}
      repository={target.repository}
      tag={target.tag}
      digest={target.digest}
      path={search('path')}
      file={search('file')}
      layer={search('layer')}
      platform={search('platform')}
    />
  ),

  skeleton: <ViewSkeleton shape="manifest" />,
};
