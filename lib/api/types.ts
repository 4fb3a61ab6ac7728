// The JSON contract between Berth's route handlers (app/api/…) and its React pages: every type
// here is the body of one HTTP response (suffix `Body`) or a part of one. Types only: importable
// from client and server code alike. No secrets ever appear here.
import type { Diagnosis } from '../registry/diagnose';
import type { TocEntry } from '../registry/layers/tar';
import type { ErrorCode } from '../registry/errors';
import type { HubRepository } from '../registry/hub';
import type { Descriptor, Platform } from '../registry/manifest';
import type { ManifestSummary, PlatformSummary } from '../registry/summary';

export type { Descriptor, ErrorCode, ManifestSummary, Platform, PlatformSummary };

/** Every failed API call answers with this envelope and a matching HTTP status. */
export interface ApiErrorBody {
  error: {
    /** The registry's own error code (DENIED, NAME_UNKNOWN, TOOMANYREQUESTS…) or one of Berth's. */
    code: ErrorCode;
    /** A human sentence: what happened and what to do. Safe to show as is. */
    message: string;
    /** HTTP status of this API response. */
    status: number;
    /** Seconds to wait before retrying, when the registry said so (429, 503). */
    retryAfter?: number;
    /** Registry host the error concerns, when there is one. */
    registry?: string;
  };
}

/** A registry the person has signed in to (or opened anonymously) in this session. */
export interface SessionRegistry {
  /** Canonical host as used in URLs: "docker.io", "ghcr.io", "127.0.0.1:5000", "[::1]:5000". */
  host: string;
  /** Base URL Berth talks to, e.g. "https://registry-1.docker.io" or "http://127.0.0.1:5000". */
  url: string;
  /** null when anonymous. */
  username: string | null;
}

/** GET /api/session; also the answer to signing out. */
export interface SessionBody {
  registries: SessionRegistry[];
}

/** POST /api/session/registries (same-origin only): the request. */
export interface SignInRequest {
  /** host[:port], https://host, http://host:port or docker.io */
  registry: string;
  /** Empty means anonymous. */
  username: string;
  password: string;
}

/** POST /api/session/registries: the answer. */
export interface SignInBody {
  registry: SessionRegistry;
}

/** GET /api/registries/{host}/repositories?cursor=&n= */
export interface RepositoriesBody {
  repositories: string[];
  /** Opaque cursor for the next page (pass as `cursor`), or null on the last page. */
  next: string | null;
  /** Entries of this page the registry sent that are not valid names, left out. */
  invalid?: number;
}

/** GET /api/registries/{host}/tags?repository=&cursor=&n= */
export interface TagsBody {
  name: string;
  tags: string[];
  next: string | null;
  /** Entries of this page the registry sent that are not valid tags, left out. */
  invalid?: number;
  /**
   * Docker Hub: the details of this page's tags, from the Hub API's tag list (no manifest request
   * per tag). A tag the Hub described too little is left out; its row asks /details.
   */
  details?: ReferenceDetail[];
  /** Docker Hub: how many tags the whole list holds. */
  count?: number;
}

/** Docker Hub: one repository of a namespace, as the Hub API lists it ("alpine" in library). */
export type HubRepositoryEntry = Omit<HubRepository, 'namespace'>;

/** GET /api/registries/docker.io/hub-repositories?namespace=&sort=&cursor= (namespace: empty for your own) */
export interface HubRepositoriesBody {
  /** The namespace listed: the one asked for, or the signed-in account's. */
  namespace: string;
  repositories: HubRepositoryEntry[];
  next: string | null;
  /** How many repositories the whole list holds (for this viewer: private ones only for their owners). */
  count?: number;
  invalid?: number;
}

/** Docker Hub's pull limit, as its registry last reported it for this connection. */
export interface PullLimitInfo {
  limit: number;
  remaining: number;
  /** The window the limit counts over, in seconds (21600: 6 hours). */
  windowSeconds?: number;
  /** When Berth read it (ISO 8601). */
  observedAt: string;
  /** After a 429: when pulls work again (ISO 8601). */
  retryAt?: string;
  /** After a 429: seconds from this answer until then. */
  retryAfter?: number;
}

/** GET /api/registries/docker.io/pull-limit[?repository=&reference=] (with them: checked now with a HEAD, which costs no pull) */
export interface PullLimitBody {
  /** null until Berth has read a manifest answer for this connection. */
  pullLimit: PullLimitInfo | null;
  /** True when not signed in: the limit is this server's, shared by everyone anonymous. */
  anonymous: boolean;
}

/**
 * An answer that reads manifests where each read counts against a pull limit (Docker Hub): it
 * carries the limit as Berth knows it once those reads are done, so the views need not ask.
 */
export interface CarriesPullLimit {
  pullLimit?: PullLimitBody;
}

/** One row of an index: a platform image, or an attestation/artifact attached to one. */
export interface IndexEntry extends Descriptor {
  /** "linux/arm64/v8", "windows/amd64 10.0.20348.2113", or "unknown/unknown". */
  platformLabel: string;
  /** For BuildKit attestation manifests: digest of the image they describe. */
  attestationFor?: string;
}

interface ManifestCommon extends CarriesPullLimit {
  /** Registry host and repository the manifest was read from. */
  host: string;
  repository: string;
  /** The tag asked for, when opened by tag. */
  tag?: string;
  digest: string;
  mediaType: string;
  /** Byte size of the manifest itself. */
  size: number;
  annotations: Record<string, string>;
  subject?: Descriptor;
  /** The registry's Warning headers (deprecations, quota notices), as text. */
  warnings?: string[];
}

export interface IndexManifestBody extends ManifestCommon {
  kind: 'index';
  manifests: IndexEntry[];
}

export interface ImageManifestBody extends ManifestCommon {
  kind: 'image';
  config: Descriptor;
  layers: Descriptor[];
  /** Sum of compressed layer sizes plus config: what a pull downloads. */
  totalSize: number;
  /** artifactType, else config.mediaType when it is not an image config. */
  artifactType?: string;
  /** True when this is not a runnable image (signature, SBOM, helm chart…). */
  isArtifact: boolean;
}

export interface LegacyManifestBody extends ManifestCommon {
  kind: 'legacy';
  /** schema1: shown for recognition only. */
  architecture?: string;
  layers: { digest: string }[];
}

/** GET /api/registries/{host}/manifest?repository=&reference= (reference: tag or digest) */
export type ManifestBody = IndexManifestBody | ImageManifestBody | LegacyManifestBody;

export interface HistoryEntry {
  created?: string;
  created_by?: string;
  comment?: string;
  empty_layer?: boolean;
  /** Index into ImageManifestBody.layers of the layer this step made, when it made one. */
  layerIndex?: number;
}

/** GET /api/registries/{host}/config?repository=&digest= (digest of the config blob) */
export interface ImageConfigBody {
  digest: string;
  created?: string;
  author?: string;
  architecture?: string;
  os?: string;
  variant?: string;
  user?: string;
  workingDir?: string;
  entrypoint?: string[];
  cmd?: string[];
  env: string[];
  exposedPorts: string[];
  volumes: string[];
  labels: Record<string, string>;
  stopSignal?: string;
  history: HistoryEntry[];
  diffIds: string[];
}

/** GET /api/registries/{host}/referrers?repository=&digest= */
export interface ReferrersBody {
  referrers: Descriptor[];
  /** "api" when the registry's referrers API answered, "tag" when the sha256-<hex> tag fallback was used. */
  source: 'api' | 'tag' | 'none';
}

/** The summary of one tag or digest: what it points at, its compressed size, created date, platforms. */
export interface ReferenceDetail extends ManifestSummary {
  /** The tag or digest asked for. */
  reference: string;
}

/** A tag or digest whose details could not be read (deleted meanwhile, denied…). */
export interface ReferenceDetailError {
  reference: string;
  error: { code: ErrorCode; message: string };
}

/** GET /api/registries/{host}/details?repository=&ref=…&ref=… (tags or digests, at most 100). */
export interface DetailsBody extends CarriesPullLimit {
  repository: string;
  details: Array<ReferenceDetail | ReferenceDetailError>;
}

/**
 * POST /api/registries/{host}/deletion?repository= (same-origin only): whether the person may
 * delete in this repository and how the registry deletes, learnt without deleting anything. A
 * refusal is an error envelope: DENIED (no delete right), UNSUPPORTED (deletion turned off).
 */
export interface DeletionBody {
  repository: string;
  /**
   * 'tag': the registry deletes a tag alone (OCI distribution-spec 1.1, distribution 3);
   * 'digest': deleting removes the manifest and every tag on it (distribution 2.x and most others).
   */
  deletes: 'tag' | 'digest';
}

/**
 * DELETE /api/registries/{host}/manifest?repository=&reference= (same-origin only). By digest: the
 * manifest and, on most registries, every tag on it; by tag: that tag alone, only where the
 * registry deletes tags alone (UNSUPPORTED elsewhere, and nothing is deleted).
 */
export interface DeletedBody {
  repository: string;
  /** The digest or tag deleted. */
  reference: string;
  /** A tag deleted alone: the manifest it pointed at, and whether the registry kept it (false: it went too, with every tag on it). */
  manifest?: { digest: string; kept: boolean };
}

/** GET /api/registries/{host}/document?repository=&digest=&kind=manifest|blob: a document as the registry sent it. */
export interface DocumentBody {
  digest: string;
  /** The bytes, as UTF-8 text: exactly what the registry sent (see `exact`). */
  text: string;
  /** Bytes. */
  size: number;
  /** The digest of these bytes was computed and equals `digest` (not possible for signed schema 1). */
  verified: boolean;
  /** False when the bytes are not valid UTF-8: `text` then differs from them. */
  exact: boolean;
  /** The headers that came with the bytes, as the registry sent them. */
  headers: { contentType?: string; dockerContentDigest?: string; contentLength?: string };
}

/**
 * GET /api/registries/{host}/diagnose?repository= — the connection explained step by step, as the
 * session's user for that registry (or anonymously), from fresh requests. No secret is in it: a
 * password or token is shown as •••, and the curl commands keep them in $PASSWORD and $TOKEN.
 */
export type DiagnosisBody = Diagnosis;

export type {
  DiagnosisAccess,
  DiagnosisChallenge,
  DiagnosisFact,
  DiagnosisRateLimit,
  DiagnosisRequest,
  DiagnosisStatus,
  DiagnosisStep,
  DiagnosisStepId,
} from '../registry/diagnose';
export type { TlsFacts } from '../registry/net/http';

/**
 * One entry of a directory of an image's filesystem (or of one layer seen on its own): a layer's
 * table-of-contents entry (size, mode, owners, link target, mtime) by its name, and where it came from.
 */
export interface FileRow extends Omit<TocEntry, 'path' | 'type' | 'digest' | 'offset'> {
  name: string;
  /** What the entry is; 'deleted': in a layer's own view, removed by that layer (a whiteout). */
  type: TocEntry['type'] | 'deleted';
  /** The layer (1-based) that last put it there. */
  layer: number;
  /** Directories: how many entries are directly in them. */
  entries?: number;
  /** A directory no layer lists, there only to hold what a layer put in it. */
  implied?: true;
  /** Deleted with everything the layers below put in it (an opaque whiteout): the directory itself stays. */
  opaque?: true;
}

/** One layer of an image, as its files show it. */
export interface FilesLayer {
  digest: string;
  mediaType: string;
  /** Compressed: what a pull downloads. */
  size: number;
  /** Regular files in it, and their bytes uncompressed. */
  files: number;
  bytes: number;
  /** Bytes of its files that a later layer overwrites or deletes. */
  wastedBytes: number;
}

/** GET /api/registries/{host}/files?repository=&digest=&path=&layer= (digest: an image manifest's) */
export interface FilesBody {
  repository: string;
  digest: string;
  /** The directory listed, with a leading and a trailing "/" ("/" for the root). */
  path: string;
  /** The layer seen on its own (1-based); none: all layers merged. */
  layer?: number;
  /** The directory's entries, in name order; at most MAX_DIRECTORY_ROWS of them. */
  entries: FileRow[];
  /** Entries of the directory left out past that. */
  more: number;
  layers: FilesLayer[];
  /** The merged image: regular files, their bytes, and the bytes of files a later layer overwrote or deleted. */
  files: number;
  bytes: number;
  wastedBytes: number;
  /** The largest files of the merged image, largest first. */
  largest: Array<{ path: string; size: number; layer: number }>;
}

/** GET /api/registries/{host}/files/progress?repository=&digest=&path=: how far each layer has been read for its files. */
export interface FilesProgressBody {
  layers: Array<{ digest: string; size: number; read: number; done: boolean }>;
  /** With `path`: that directory as far as the layers read so far make it (at most MAX_FOUND_ROWS), while they are read. */
  found?: FileRow[];
  /** Entries found past those listed. */
  more?: number;
}

/** GET /api/registries/{host}/file?repository=&digest=&path=: one file of an image, and the start of its content. */
export interface FileBody {
  repository: string;
  digest: string;
  /** Where the file was found, links followed ("/usr/lib/libdemo.so.1"). */
  path: string;
  /** The links followed on the way, each with its target as written. */
  followed: Array<{ from: string; to: string }>;
  entry: FileRow;
  /** Absent for what has no content (a device, a fifo). */
  content?: {
    /** 'text': UTF-8, shown as it is; 'binary': base64 of the bytes, shown as hex. */
    kind: 'text' | 'binary';
    data: string;
    /** Bytes shown, of `entry.size`. */
    bytes: number;
    truncated: boolean;
  };
}

/** GET /api/registries/{host}/files/diff?repository=&a=&b=&path=: what changed from image A to image B (digests of image manifests). */
export interface FilesDiffBody {
  repository: string;
  a: string;
  b: string;
  /** The directory compared, with everything below it ("/" for the whole image). */
  path: string;
  /** In path order, at most MAX_DIFF_ROWS. A directory added or removed whole is one change. */
  changes: Array<{
    path: string;
    kind: 'added' | 'removed' | 'changed';
    /** What differs, for a changed entry (a modification time alone is no change). */
    what?: Array<'type' | 'size' | 'mode' | 'owner' | 'link' | 'content'>;
    /** A directory added or removed whole: the entries below it. */
    below?: number;
    a?: FileRow;
    b?: FileRow;
  }>;
  counts: { added: number; removed: number; changed: number };
  /** Changes past the ones listed. */
  more: number;
}
