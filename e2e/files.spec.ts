// The files view on images buildah made (e2e/fixtures/files-image.ts): the merged tree with the
// layer that put each entry there, a layer on its own with what it deletes, a text file, a binary
// file behind a symlink, the download's headers, where the bytes go; gzip, zstd and Docker
// layers; the progress of a first read and its Cancel.
import { startAppServer, type AppServer } from './fixtures/app-server';
import { loadBed } from './fixtures/bed-state';
import { FILES_IMAGE, FILES_IMAGE_V2 } from './fixtures/files-image';
import { startRegistryProxy, type RegistryProxy } from './fixtures/registry-proxy';
import { alertOf, test, expect, password } from './support';

const filesOf = (host: string, repo: string, tag: string, query = '') => `/${host}/${repo}:${tag}/-/files${query}`;

test.describe('the files of an image', () => {
  test.beforeEach(async ({ signIn, token }) => {
    await signIn.as(token.host, 'alice', password(token, 'alice'));
  });

  test('from the image view to /etc/os-release: the layer that put it there, and its text', async ({ page, token, bed }) => {
    const files = bed.content.files;
    await page.goto(`/${token.host}/${files.repo}:${files.gzip.tag}`);
    await page.getByRole('link', { name: 'Files', exact: true }).click();
    // The files of exactly the image shown: by its digest.
    const image = `/${token.host}/${files.repo}@${files.gzip.digest}/-/files`;
    await expect(page).toHaveURL(image);
    const root = page.getByRole('table', { name: 'Files in /' });
    for (const name of ['etc/', 'opt/', 'tmp/', 'usr/']) await expect(root.getByRole('link', { name, exact: true })).toBeVisible();
    await root.getByRole('link', { name: 'etc/', exact: true }).click();
    await expect(page).toHaveURL(`${image}?path=/etc/`);
    const etc = page.getByRole('table', { name: 'Files in /etc/' });
    const osRelease = etc.getByRole('row').filter({ has: page.getByRole('link', { name: 'os-release', exact: true }) });
    await expect(osRelease).toContainText('-rw-r--r--');
    await expect(osRelease).toContainText(`layer 1: ${FILES_IMAGE.layers[0]!.createdBy}`);
    // /etc/hostname was rewritten by layer 2: that is the layer the merged view names.
    await expect(etc.getByRole('row').filter({ has: page.getByRole('link', { name: 'hostname', exact: true }) })).toContainText('layer 2');
    await osRelease.getByRole('link', { name: 'os-release' }).click();
    await expect(page).toHaveURL(`${image}?file=/etc/os-release`);
    await expect(page.getByLabel('/etc/os-release', { exact: true })).toHaveText(FILES_IMAGE.osRelease);
    await expect(page.getByText('Put there by')).toBeVisible();
  });

  test('the merged tree honours whiteouts and opaque directories; a layer alone shows what it deletes', async ({ page, token, bed }) => {
    const files = bed.content.files;
    await page.goto(filesOf(token.host, files.repo, files.gzip.tag, '?path=/tmp/'));
    await expect(page.getByText('This directory is empty.')).toBeVisible();
    await page.goto(filesOf(token.host, files.repo, files.gzip.tag, '?path=/opt/cache/'));
    const cache = page.getByRole('table', { name: 'Files in /opt/cache/' });
    await expect(cache.getByRole('link', { name: 'c.txt' })).toBeVisible();
    await expect(cache.getByRole('row')).toHaveCount(2); // the header and c.txt: a.txt and b.txt are gone
    // Layer 2 on its own, chosen with the Layer control: /tmp/remove-me.txt deleted.
    await page.goto(filesOf(token.host, files.repo, files.gzip.tag, '?path=/tmp/'));
    await page.getByLabel('Layer', { exact: true }).selectOption({ label: `Layer 2: ${FILES_IMAGE.layers[1]!.createdBy}` });
    await expect(page).toHaveURL(filesOf(token.host, files.repo, files.gzip.tag, '?layer=2&path=/tmp/'));
    const tmp = page.getByRole('table', { name: 'Files in /tmp/ of layer 2' });
    await expect(tmp.getByRole('row').filter({ hasText: 'remove-me.txt' })).toContainText('deleted');
    // Layer 3 replaces /opt/cache: an opaque directory.
    await page.goto(filesOf(token.host, files.repo, files.gzip.tag, '?layer=3&path=/opt/'));
    await expect(page.getByRole('table', { name: 'Files in /opt/ of layer 3' }).getByRole('row').filter({ hasText: 'cache' })).toContainText(
      'replaces what is below',
    );
    await page.getByLabel('Layer', { exact: true }).selectOption({ label: 'All layers (merged)' });
    await expect(page).toHaveURL(filesOf(token.host, files.repo, files.gzip.tag, '?path=/opt/'));
  });

  test('a binary file behind a symlink is shown as hex, and downloads as an attachment with its exact bytes', async ({ page, token, bed }) => {
    const files = bed.content.files;
    await page.goto(filesOf(token.host, files.repo, files.gzip.tag, '?path=/usr/lib/'));
    await page.getByRole('link', { name: 'libdemo.so', exact: true }).click();
    await expect(page.getByText('Followed a link within the image')).toContainText('/usr/lib/libdemo.so → libdemo.so.1');
    const hex = page.getByLabel('/usr/lib/libdemo.so.1', { exact: true });
    await expect(hex).toContainText('00000000: ');
    const libdemo = FILES_IMAGE.libdemo;
    await expect(hex).toContainText(libdemo.subarray(0, 2).toString('hex'));
    const href = await page.getByRole('link', { name: 'Download' }).getAttribute('href');
    const download = await page.request.get(href!);
    expect(download.status()).toBe(200);
    const headers = download.headers();
    expect(headers['content-disposition']).toBe(`attachment; filename="libdemo.so.1"; filename*=UTF-8''libdemo.so.1`);
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['content-type']).toBe('application/octet-stream');
    expect(headers['content-security-policy']).toContain('sandbox');
    expect(Buffer.compare(await download.body(), libdemo)).toBe(0);
  });

  test('where the bytes go: per layer, the largest files, and the bytes wasted on a file a later layer deletes', async ({ page, token, bed }) => {
    const files = bed.content.files;
    await page.goto(filesOf(token.host, files.repo, files.gzip.tag));
    const section = page.locator('section').filter({ has: page.getByRole('heading', { name: 'Where the bytes go' }) });
    await expect(section.getByText('Wasted space')).toContainText(/2\d(\.\d)? kB/);
    const layers = section.getByRole('table', { name: 'Layers by size' });
    await expect(layers.getByRole('row')).toHaveCount(4);
    await expect(section.getByRole('table', { name: 'Largest files' }).getByRole('row').nth(1)).toContainText('/usr/lib/libextra.so');
    await layers.getByRole('link', { name: 'Layer 3 on its own' }).click();
    await expect(page).toHaveURL(filesOf(token.host, files.repo, files.gzip.tag, '?layer=3'));
  });

  test('zstd and Docker layers read the same files', async ({ page, token, bed }) => {
    const files = bed.content.files;
    for (const tag of [files.zstd.tag, files.docker.tag]) {
      await page.goto(filesOf(token.host, files.repo, tag, '?file=/etc/os-release'));
      await expect(page.getByLabel('/etc/os-release', { exact: true })).toHaveText(FILES_IMAGE.osRelease);
      await page.goto(filesOf(token.host, files.repo, tag, '?path=/opt/cache/'));
      await expect(page.getByRole('table', { name: 'Files in /opt/cache/' }).getByRole('row')).toHaveCount(2);
    }
  });

  test('Compare lists what changed between two tags file by file, filters it, and shows a changed text file’s diff', async ({ page, token, bed }) => {
    const files = bed.content.files;
    await page.goto(`/${token.host}/${files.repo}/-/compare?a=${files.gzip.tag}&b=${files.v2.tag}`);
    await page.getByRole('link', { name: 'Compare the files' }).click();
    await expect(page).toHaveURL(`/${token.host}/${files.repo}/-/compare?a=${files.gzip.tag}&b=${files.v2.tag}&files=1`);
    const table = page.getByRole('table', { name: 'Files changed between A and B' });
    await expect(table.getByRole('row')).toHaveCount(FILES_IMAGE_V2.changes.length + 1);
    for (const [i, change] of FILES_IMAGE_V2.changes.entries()) {
      const row = table.getByRole('row').nth(i + 1);
      await expect(row).toContainText(change.kind);
      await expect(row).toContainText(change.path);
      if ('what' in change && change.what === 'mode') await expect(row).toContainText('-rwxr-xr-x → -rwx------');
    }
    await page.getByLabel('Filter').fill('/usr/');
    await expect(page.getByText(`4 of ${FILES_IMAGE_V2.changes.length} changes match`)).toBeVisible();
    await page.getByLabel('Filter').fill('os-release');
    await table.getByRole('button', { name: 'Show the diff' }).click();
    const diff = page.getByLabel('Changes to /etc/os-release');
    await expect(diff).toContainText('-VERSION_ID=1.0');
    await expect(diff).toContainText('+VERSION_ID=2.0');
    await expect(diff).not.toContainText('-NAME="Berth Files"');
  });

  test('a path the image does not have, and an index, say what to do', async ({ page, token, bed }) => {
    const files = bed.content.files;
    await page.goto(filesOf(token.host, files.repo, files.gzip.tag, '?path=/nowhere/'));
    await expect(alertOf(page)).toContainText('This image has no /nowhere');
    const multi = bed.content.multi;
    await page.goto(`/${token.host}/${multi.repo}:${multi.tags[0]}/-/files?platform=linux/arm64/v8`);
    await expect(page.getByLabel('Platform', { exact: true })).toHaveValue('linux/arm64/v8');
  });

  test('an error naming a digest is said at phone width, the digest wrapped inside the alert', async ({ page, token, bed }) => {
    const missing = `sha256:${'0'.repeat(64)}`;
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`/${token.host}/${bed.content.files.repo}@${missing}/-/files`);
    const alert = alertOf(page);
    await expect(alert).toContainText(missing);
    expect(await alert.evaluate((el) => el.scrollWidth - el.clientWidth)).toBeLessThanOrEqual(0);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  });
});

test.describe('layers read through a proxy that watches the registry', () => {
  // The open registry behind a proxy that sends every blob of files/demo a trickle at a time until released.
  let proxy: RegistryProxy;
  let server: AppServer;
  test.beforeAll(async () => {
    proxy = await startRegistryProxy(loadBed().registries.anonymous.url, { trickle: (method, path) => method === 'GET' && /files\/demo\/blobs\//.test(path) });
    server = await startAppServer({ env: { ALLOWED_REGISTRIES: proxy.url } });
  });
  test.afterAll(async () => {
    await server?.stop();
    await proxy?.close();
  });

  test('the directory fills in as the layers are read, before the read ends', async ({ page, bed }) => {
    const files = bed.content.files;
    proxy.holdAgain();
    await page.goto(`${server.site}${filesOf(proxy.host, files.repo, files.gzip.tag)}`);
    await expect(page.getByRole('progressbar', { name: 'Reading the layers' })).toBeVisible();
    const found = page.getByRole('region', { name: 'Found so far' });
    await expect(found.getByText('etc/', { exact: true })).toBeVisible();
    await expect(page.getByRole('progressbar', { name: 'Reading the layers' }), 'still reading').toBeVisible();
    proxy.release();
    await expect(page.getByRole('table', { name: 'Files in /' }).getByRole('link', { name: 'etc/' })).toBeVisible();
  });

  test('shows its progress; Cancel stops reading the layer; reading again lists the files', async ({ page, bed }) => {
    proxy.holdAgain();
    const files = bed.content.files;
    await page.goto(`${server.site}${filesOf(proxy.host, files.repo, files.zstd.tag)}`);
    const bar = page.getByRole('progressbar', { name: 'Reading the layers' });
    await expect(bar).toBeVisible();
    await expect.poll(async () => Number(await bar.getAttribute('aria-valuenow')), { message: 'bytes read so far' }).toBeGreaterThan(0);
    const abandoned = proxy.abandoned;
    await page.getByRole('button', { name: 'Cancel' }).click();
    await expect(page.getByRole('status')).toContainText('Cancelled');
    await expect.poll(() => proxy.abandoned, { message: 'Berth stopped reading the layer' }).toBeGreaterThan(abandoned);
    proxy.release();
    await page.getByRole('button', { name: 'Read the layers again' }).click();
    await expect(page.getByRole('table', { name: 'Files in /' }).getByRole('link', { name: 'etc/' })).toBeVisible();
  });

  /** The layers of `reference` of files/demo, straight from the registry. */
  async function layersOf(reference: string): Promise<Array<{ digest: string; size: number }>> {
    const res = await fetch(`${loadBed().registries.anonymous.url}/v2/files/demo/manifests/${reference}`, {
      headers: { accept: 'application/vnd.oci.image.manifest.v1+json' },
    });
    return ((await res.json()) as { layers: Array<{ digest: string; size: number }> }).layers;
  }

  test('an eStargz image is listed from its layers’ own tables: each layer read with Range requests only, a file with one more', async ({ page, bed }) => {
    proxy.release();
    proxy.reset();
    const files = bed.content.files;
    const layers = await layersOf(files.estargz.digest);
    await page.goto(`${server.site}${filesOf(proxy.host, files.repo, files.estargz.tag)}`);
    // The same tree as the gzip image's: no landmark, no table of contents.
    const root = page.getByRole('table', { name: 'Files in /' });
    for (const name of ['etc/', 'opt/', 'tmp/', 'usr/']) await expect(root.getByRole('link', { name, exact: true })).toBeVisible();
    await expect(root.getByRole('row')).toHaveCount(5);
    const blobGets = (digest: string) => proxy.seen.filter((s) => s === `GET /v2/files/demo/blobs/${digest}`);
    const ranged = (digest: string) => proxy.ranges.filter((s) => s.startsWith(`GET /v2/files/demo/blobs/${digest} bytes=`) && s.endsWith('→ 206'));
    for (const layer of layers) {
      // The footer, then the table: never the whole layer.
      expect(blobGets(layer.digest), layer.digest).toHaveLength(2);
      expect(ranged(layer.digest)[0]).toContain(`bytes=${layer.size - 51}-${layer.size - 1}`);
      expect(ranged(layer.digest)).toHaveLength(2);
    }
    // A file cut into chunks (10 KiB in chunks of 4 KiB): one more Range request, and its bytes.
    await page.goto(`${server.site}${filesOf(proxy.host, files.repo, files.estargz.tag, '?file=/usr/lib/libextra.so')}`);
    await expect(page.getByLabel('/usr/lib/libextra.so', { exact: true })).toContainText(FILES_IMAGE.libextra.subarray(0, 2).toString('hex'));
    expect(ranged(layers[1]!.digest)).toHaveLength(3);
    const download = await page.request.get(new URL((await page.getByRole('link', { name: 'Download' }).getAttribute('href'))!, server.site).href);
    expect(download.status()).toBe(200);
    expect(Buffer.compare(await download.body(), FILES_IMAGE.libextra)).toBe(0);
    expect(blobGets(layers[1]!.digest)).toHaveLength(4);
    expect(ranged(layers[1]!.digest)).toHaveLength(4);
  });

  test('a file of an uncompressed layer is read alone: a Range request for its bytes', async ({ page, bed }) => {
    proxy.release();
    const files = bed.content.files;
    const layers = await layersOf(files.tar.digest);
    await page.goto(`${server.site}${filesOf(proxy.host, files.repo, files.tar.tag, '?path=/usr/lib/')}`);
    await expect(page.getByRole('table', { name: 'Files in /usr/lib/' }).getByRole('link', { name: 'libextra.so', exact: true })).toBeVisible();
    proxy.reset();
    await page.goto(`${server.site}${filesOf(proxy.host, files.repo, files.tar.tag, '?file=/usr/lib/libextra.so')}`);
    await expect(page.getByLabel('/usr/lib/libextra.so', { exact: true })).toContainText(FILES_IMAGE.libextra.subarray(0, 2).toString('hex'));
    const reads = proxy.seen.filter((s) => s.startsWith('GET /v2/files/demo/blobs/'));
    expect(reads).toEqual([`GET /v2/files/demo/blobs/${layers[1]!.digest}`]);
    expect(proxy.ranges).toHaveLength(1);
    expect(proxy.ranges[0]).toMatch(new RegExp(`^GET /v2/files/demo/blobs/${layers[1]!.digest} bytes=(\\d+)-(\\d+) → 206$`));
    const [, first, last] = /bytes=(\d+)-(\d+)/.exec(proxy.ranges[0]!)!;
    expect(Number(last) - Number(first) + 1).toBe(FILES_IMAGE.libextra.length);
  });
});
