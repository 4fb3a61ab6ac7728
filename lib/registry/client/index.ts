// The registry client: one per (registry, credentials), cheap to make, since everything worth
// keeping lives in the RegistryContext. Its operations are grouped by kind, each in its own file
// over one Connection (connection.ts): listing, manifests, blobs and documents, summaries,
// deletion, referrers and the pull limit. Every request goes through the authoriser
// (../auth/authorizer.ts); on Docker Hub, its API (../hub/) comes with the same credentials.
import { Authorizer, type Verification } from '../auth/authorizer';
import type { Credentials, DeletionKind, RegistryContext, RequestScope } from '../context';
import { RegistryError } from '../errors';
import { HubClient } from '../hub';
import type { Transport } from '../net/transport';
import type { PullLimit } from '../pull-limit';
import type { GrantedAccess } from '../scope';
import type { ManifestSummary } from '../summary';
import { traitsOf } from '../traits';
import { MAX_CONFIG_BYTES, getBlob, getBlobDocument, getJsonDocument, type FetchedBlob } from './blobs';
import type { Connection } from './connection';
import { deleteManifest, deleteTag, deletionKind, type DeletedTag } from './deletion';
import { listRepositories, listTags, type Page } from './listing';
import { checkPullLimit, getManifest, headManifest, type FetchedManifest, type ManifestHead } from './manifests';
import { pullLimit } from './pull-limit';
import { getReferrers, type Referrers } from './referrers';
import { getLayerToc } from './layers';
import { getRepositoryStorage, type CountedStorage } from './storage';
import { findFile, getImageFiles, imageFilesProgress, readFileContent, type FoundFile, type ImageFiles } from './files';
import type { TocEntry } from '../layers/tar';
import { describeDigest, describeTag } from './summaries';

export { MAX_CONFIG_BYTES, MAX_DOCUMENT_BYTES } from './blobs';
export type { FetchedBlob } from './blobs';
export type { DeletedTag } from './deletion';
export type { Page } from './listing';
export { MAX_MANIFEST_BYTES } from './manifests';
export type { FetchedManifest, ManifestHead } from './manifests';
export type { Referrers } from './referrers';
export { MAX_SUMMARISED_CHILDREN } from './summaries';

export interface ClientOptions {
  /** Canonical host ("docker.io", "127.0.0.1:5000"). */
  host: string;
  /** Origin Berth talks to ("https://registry-1.docker.io"). */
  baseUrl: string;
  credentials?: Credentials;
  context: RegistryContext;
  /** Defaults to the network; tests pass a stub. */
  transport?: Transport;
  /** Whose requests these are: their budget of requests in flight, and the signal that they have gone. */
  scope?: RequestScope;
}

export class RegistryClient {
  readonly host: string;
  readonly baseUrl: URL;
  /** Docker Hub's API, beside its registry (where its traits say it lists namespaces), with the same credentials. */
  readonly hub?: HubClient;
  private readonly connection: Connection;

  constructor(options: ClientOptions) {
    this.host = options.host;
    this.baseUrl = new URL(options.baseUrl);
    const traits = traitsOf(options.host);
    const auth = new Authorizer({
      host: options.host,
      baseUrl: this.baseUrl,
      credentials: options.credentials,
      context: options.context,
      transport: options.transport,
      scope: options.scope,
    });
    this.connection = {
      host: this.host,
      baseUrl: this.baseUrl,
      traits,
      auth,
      context: options.context,
      signal: options.scope?.signal,
      client: options.scope?.client,
    };
    if (traits.listing === 'namespaces') {
      this.hub = new HubClient({
        apiUrl: options.context.policy.dockerHubApiUrl,
        credentials: options.credentials,
        context: options.context,
        transport: options.transport,
        scope: options.scope,
      });
    }
  }

  /** Whether reading a manifest here counts against a pull limit (Docker Hub): then only read when the person asks. */
  get readsArePulls(): boolean {
    return this.connection.traits.readsArePulls;
  }

  get anonymous(): boolean {
    return this.connection.auth.anonymous;
  }

  /** Checks the address and credentials at once (sign-in); on Docker Hub, at its API too. */
  async verify(): Promise<Verification> {
    if (this.hub) {
      try {
        await this.hub.verify();
      } catch (e) {
        // Credentials Docker Hub refuses end the sign-in. An API that cannot be reached right now
        // does not: the registry decides, and the views that need the API say what is wrong.
        if (!(e instanceof RegistryError) || e.code === 'UNAUTHORIZED' || e.code === 'ACCESS_TOKEN_REQUIRED') throw e;
      }
    }
    return this.connection.auth.verify();
  }

  /** What the token service granted for these scopes (decoded JWT `access` claim), if known. */
  grantedAccess(scopes: string[]): Promise<GrantedAccess[] | undefined> {
    return this.connection.auth.grantedAccess(scopes);
  }

  // ---- the pull limit (pull-limit.ts, manifests.ts) -------------------------------------------

  /** The pull limit this connection last saw on a manifest answer (Docker Hub reports one). */
  pullLimit(): PullLimit | undefined {
    return pullLimit(this.connection);
  }

  /** The pull limit as of now, read with a manifest HEAD (no pull); `reference` must exist. */
  checkPullLimit(repository: string, reference: string): Promise<PullLimit | undefined> {
    return checkPullLimit(this.connection, repository, reference);
  }

  // ---- listing (listing.ts) -------------------------------------------------------------------

  listRepositories(opts: { n?: number; cursor?: string } = {}): Promise<Page<string>> {
    return listRepositories(this.connection, opts);
  }

  listTags(repository: string, opts: { n?: number; cursor?: string } = {}): Promise<Page<string>> {
    return listTags(this.connection, repository, opts);
  }

  // ---- manifests (manifests.ts) and blobs (blobs.ts) ----------------------------------------------

  headManifest(repository: string, reference: string): Promise<ManifestHead> {
    return headManifest(this.connection, repository, reference);
  }

  /** A manifest by tag or digest, verified; digest-addressed bytes from the cache once the registry confirms access. */
  getManifest(repository: string, reference: string): Promise<FetchedManifest> {
    return getManifest(this.connection, repository, reference);
  }

  /** Fetches a (small) blob by digest, verifying its content. Redirects go out without Authorization. */
  getBlob(repository: string, digest: string, maxBytes = MAX_CONFIG_BYTES): Promise<Buffer> {
    return getBlob(this.connection, repository, digest, maxBytes);
  }

  /** A blob shown as a document: up to a megabyte of UTF-8 JSON, else NOT_A_DOCUMENT. */
  getJsonDocument(repository: string, digest: string): Promise<FetchedBlob> {
    return getJsonDocument(this.connection, repository, digest);
  }

  /** A blob's verified bytes with the headers they came with. */
  getBlobDocument(repository: string, digest: string, maxBytes = MAX_CONFIG_BYTES): Promise<FetchedBlob> {
    return getBlobDocument(this.connection, repository, digest, maxBytes);
  }

  // ---- layers (layers.ts) ---------------------------------------------------------------------

  /** The files a layer holds, as its tar lists them: read once as the blob streams through, then kept. */
  getLayerToc(repository: string, digest: string): Promise<TocEntry[]> {
    return getLayerToc(this.connection, repository, digest);
  }

  // ---- storage (storage.ts) -----------------------------------------------------------------------

  /** What a repository's tags keep in the registry's storage: logical, unique and exclusive sizes, from manifests alone. */
  getRepositoryStorage(repository: string): Promise<CountedStorage> {
    return getRepositoryStorage(this.connection, repository);
  }

  // ---- files (files.ts) -------------------------------------------------------------------------

  /** An image's filesystem: its layers' tables of contents, and the layers merged as the container sees them. */
  getImageFiles(repository: string, digest: string): Promise<ImageFiles> {
    return getImageFiles(this.connection, repository, digest);
  }

  /** How far each layer of an image has been read for its files, with what was found so far. */
  imageFilesProgress(repository: string, digest: string): ReturnType<typeof imageFilesProgress> {
    return imageFilesProgress(this.connection, repository, digest);
  }

  /** The entry at `path` of an image, links followed. */
  findFile(image: ImageFiles, path: string): FoundFile {
    return findFile(image, path);
  }

  /** Up to `limit` bytes of a file's content, read again from its layer, to `take` as they pass. */
  readFileContent<T>(
    repository: string,
    image: ImageFiles,
    file: FoundFile,
    limit: number,
    take: (bytes: AsyncIterable<Uint8Array>) => Promise<T>,
  ): Promise<T> {
    return readFileContent(this.connection, repository, image, file.node, limit, take);
  }

  // ---- summaries (summaries.ts) -----------------------------------------------------------------

  /** What a tag points at, summarised; `fresh` asks the registry whatever was known. */
  describeTag(repository: string, tag: string, options: { fresh?: boolean; pulls?: boolean } = {}): Promise<ManifestSummary> {
    return describeTag(this.connection, repository, tag, options);
  }

  /** A manifest by digest, summarised; where reads are pulls, only when `pulls` says the person asked. */
  describeDigest(repository: string, digest: string, options: { pulls?: boolean } = {}): Promise<ManifestSummary> {
    return describeDigest(this.connection, repository, digest, options);
  }

  // ---- deletion (deletion.ts) -------------------------------------------------------------------

  /** Whether this person may delete in `repository`, and how the registry deletes: learnt without deleting anything. */
  deletionKind(repository: string): Promise<DeletionKind> {
    return deletionKind(this.connection, repository);
  }

  /** Deletes a manifest by digest (with every tag on it, on most registries). */
  deleteManifest(repository: string, digest: string): Promise<void> {
    return deleteManifest(this.connection, repository, digest);
  }

  /** Deletes one tag and nothing else, only on a registry known to delete tags alone. */
  deleteTag(repository: string, tag: string): Promise<DeletedTag> {
    return deleteTag(this.connection, repository, tag);
  }

  // ---- referrers (referrers.ts) -----------------------------------------------------------------

  /** OCI referrers API, falling back to the `sha256-<hex>` tag schema. */
  getReferrers(repository: string, digest: string, artifactType?: string): Promise<Referrers> {
    return getReferrers(this.connection, repository, digest, artifactType);
  }
}
