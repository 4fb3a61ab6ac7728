// Berth's registry protocol core: no React, no Next.js. See DESIGN.md "The shape".
export { RegistryClient, RegistryContext, MAX_CONFIG_BYTES, MAX_MANIFEST_BYTES } from './client';
export type { Credentials, FetchedManifest, ManifestHead, Page, Referrers } from './client';
export { RegistryError, parseErrorBody, parseRetryAfter } from './errors';
export { AddressPolicy, isNonPublicAddress } from './policy';
export type { ResolvedRegistry } from './policy';
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
export { configView, manifestView } from './views';
