// The JSON contract between Berth's route handlers (app/api/…) and its React pages.
// Types only: importable from client and server code alike. No secrets ever appear here.

/** Every failed API call answers with this envelope and a matching HTTP status. */
export interface ApiErrorBody {
  error: {
    /** The registry's own error code (DENIED, NAME_UNKNOWN, TOOMANYREQUESTS…) or one of Berth's (see ApiErrorCode). */
    code: string;
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

/**
 * Codes Berth adds to the registry's own:
 * - SIGN_IN_REQUIRED (401): no usable credentials for this registry; send the person to /login.
 * - CATALOG_UNSUPPORTED (404): the registry does not list repositories (Docker Hub, GHCR…); open one by name.
 * - NOT_ALLOWED (403): this deployment may not talk to that address (ALLOWED_REGISTRIES / address policy).
 * - UNREACHABLE (502), TIMEOUT (504), TLS (502), NOT_A_REGISTRY (502), BAD_RESPONSE (502).
 * - INVALID_REFERENCE / INVALID_REQUEST (400), CROSS_ORIGIN (403).
 */
export type ApiErrorCode =
  | 'SIGN_IN_REQUIRED'
  | 'CATALOG_UNSUPPORTED'
  | 'NOT_ALLOWED'
  | 'UNREACHABLE'
  | 'TIMEOUT'
  | 'TLS'
  | 'NOT_A_REGISTRY'
  | 'BAD_RESPONSE'
  | 'INVALID_REFERENCE'
  | 'INVALID_REQUEST'
  | 'CROSS_ORIGIN'
  | 'UNAUTHORIZED'
  | 'DENIED'
  | 'NAME_UNKNOWN'
  | 'MANIFEST_UNKNOWN'
  | 'BLOB_UNKNOWN'
  | 'TOOMANYREQUESTS'
  | 'UNAVAILABLE'
  | 'UNKNOWN';

/** A registry the person has signed in to (or opened anonymously) in this session. */
export interface SessionRegistry {
  /** Canonical host as used in URLs: "docker.io", "ghcr.io", "127.0.0.1:5000", "[::1]:5000". */
  host: string;
  /** Base URL Berth talks to, e.g. "https://registry-1.docker.io" or "http://127.0.0.1:5000". */
  url: string;
  /** null when anonymous. */
  username: string | null;
}

/** GET /api/session */
export interface SessionResponse {
  registries: SessionRegistry[];
}

/** POST /api/session/registries (same-origin only). */
export interface SignInRequest {
  /** host[:port], https://host, http://host:port or docker.io */
  registry: string;
  /** Empty means anonymous. */
  username: string;
  password: string;
}
export interface SignInResponse {
  registry: SessionRegistry;
}

/** GET /api/registries/{host}/repositories?cursor=&n= */
export interface RepositoryPage {
  repositories: string[];
  /** Opaque cursor for the next page (pass as `cursor`), or null on the last page. */
  next: string | null;
}

/** GET /api/registries/{host}/tags?repository=&cursor=&n= */
export interface TagPage {
  name: string;
  tags: string[];
  next: string | null;
}

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
  'os.version'?: string;
  'os.features'?: string[];
}

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
  artifactType?: string;
  platform?: Platform;
  urls?: string[];
}

/** One row of an index: a platform image, or an attestation/artifact attached to one. */
export interface IndexEntry extends Descriptor {
  /** "linux/arm64/v8", "windows/amd64 10.0.20348.2113", or "unknown/unknown". */
  platformLabel: string;
  /** For BuildKit attestation manifests: digest of the image they describe. */
  attestationFor?: string;
}

interface ManifestCommon {
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

export interface IndexView extends ManifestCommon {
  kind: 'index';
  manifests: IndexEntry[];
}

export interface ImageView extends ManifestCommon {
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

export interface LegacyView extends ManifestCommon {
  kind: 'legacy';
  /** schema1: shown for recognition only. */
  architecture?: string;
  layers: { digest: string }[];
}

/** GET /api/registries/{host}/manifest?repository=&reference= (reference: tag or digest) */
export type ManifestView = IndexView | ImageView | LegacyView;

export interface HistoryEntry {
  created?: string;
  created_by?: string;
  comment?: string;
  empty_layer?: boolean;
  /** Index into ImageView.layers of the layer this step made, when it made one. */
  layerIndex?: number;
}

/** GET /api/registries/{host}/config?repository=&digest= (digest of the config blob) */
export interface ImageConfigView {
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
export interface ReferrersView {
  referrers: Descriptor[];
  /** "api" when the registry's referrers API answered, "tag" when the sha256-<hex> tag fallback was used. */
  source: 'api' | 'tag' | 'none';
}
