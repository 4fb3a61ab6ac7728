// Berth's registry protocol core: no React, no Next.js (docs/architecture.md "Folders").
export { Authorizer } from './auth/authorizer';
export type { AuthorizedRequest, Verification } from './auth/authorizer';
export { RegistryClient, MAX_CONFIG_BYTES, MAX_MANIFEST_BYTES } from './client';
export type { ClientOptions, DeletedTag, FetchedManifest, ManifestHead, Page, Referrers } from './client';
export { RegistryContext } from './context';
export { diagnose } from './diagnose';
export { HUB_ORDERINGS } from './hub';
export type { HubOrdering } from './hub';
export { readsArePulls, secondsUntilRetry } from './pull-limit';
export { traitsOf } from './traits';
export type { RegistryTraits } from './traits';
export type { ManifestSummary } from './summary';
export type { Credentials, PingResult, RequestScope } from './context';
export { WindowCounter } from './counter';
export { RegistryError, STATUS_OF, badResponse, parseErrorBody, parseRetryAfter } from './errors';
export type { ErrorCode, RegistryErrorCode } from './errors';
export { AddressPolicy, isNonPublicAddress } from './policy';
export {
  DOCKER_HUB,
  InvalidReferenceError,
  formatReference,
  isDigest,
  parseHost,
  parseImageReference,
  parseRegistryAddress,
  validateDigest,
  validateRepository,
  validateTag,
} from './reference';
export type { ImageReference, RegistryAddress } from './reference';
export { MediaType, attestationTarget, isImageConfigType, parseImageConfig, parseManifest, platformLabel } from './manifest';
export type { Descriptor, ImageConfig, ParsedManifest, Platform } from './manifest';
export { decodeGrantedAccess, grants, mergeScopes, repositoryScope } from './scope';
export type { GrantedAccess } from './scope';
export type { Transport, TransportRequest } from './net/transport';
