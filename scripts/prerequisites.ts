// npm test, first step: the programs the tests run beside Node are here, or installed now.
// The CNCF distribution registry (docker-registry, or BERTH_REGISTRY_BIN), skopeo to seed it,
// openssl for the token issuer's certificate, GNU tar and zstd to make real layer archives, buildah to
// build real images, containerd and ctr-remote to convert one of them to eStargz, and
// Chromium for the browser tests (CHROMIUM_PATH, default /usr/bin/chromium). Missing ones are installed with apt-get as root on Debian or
// Ubuntu; elsewhere the run stops and says what to install.
import { existsSync } from 'node:fs';
import { aptInstall, canAptInstall, onPath } from './system-packages';

interface Program {
  what: string;
  present: () => boolean;
  debianPackage: string;
}

const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const programs: Program[] = [
  {
    what: 'the CNCF distribution registry (docker-registry)',
    present: () => onPath(process.env.BERTH_REGISTRY_BIN ?? 'docker-registry'),
    debianPackage: 'docker-registry',
  },
  { what: 'skopeo', present: () => onPath('skopeo'), debianPackage: 'skopeo' },
  { what: 'openssl', present: () => onPath('openssl'), debianPackage: 'openssl' },
  // Real layer archives for the tests of reading layers: GNU tar writes them, zstd compresses them.
  { what: 'GNU tar', present: () => onPath('tar'), debianPackage: 'tar' },
  { what: 'zstd', present: () => onPath('zstd'), debianPackage: 'zstd' },
  // Real images with real layers (whiteouts, links, zstd) for the files view: buildah builds them.
  { what: 'buildah', present: () => onPath('buildah'), debianPackage: 'buildah' },
  // The eStargz test image (layers that carry their own file list, readable with two Range requests):
  // a private containerd (`containerd`, `ctr`) converts the buildah image with ctr-remote.
  { what: 'containerd and ctr', present: () => onPath('containerd') && onPath('ctr'), debianPackage: 'containerd' },
  { what: 'ctr-remote (stargz-snapshotter)', present: () => onPath('ctr-remote'), debianPackage: 'stargz-snapshotter' },
  { what: `Chromium (${chromium})`, present: () => existsSync(chromium), debianPackage: 'chromium' },
];

let missing = programs.filter((p) => !p.present());
if (missing.length > 0 && canAptInstall()) {
  console.log(`Installing what the tests need: apt-get install ${missing.map((p) => p.debianPackage).join(' ')} …`);
  aptInstall(missing.map((p) => p.debianPackage));
  missing = missing.filter((p) => !p.present());
}
if (missing.length > 0) {
  console.error(
    `The tests need ${missing.map((p) => p.what).join(', ')}, which this machine does not have.\n` +
      `On Debian or Ubuntu: sudo apt-get install ${missing.map((p) => p.debianPackage).join(' ')}\n` +
      'Elsewhere: install them with your package manager; BERTH_REGISTRY_BIN names another registry binary, CHROMIUM_PATH another Chromium.',
  );
  process.exit(1);
}
