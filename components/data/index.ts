// The data layer every feature reads through (docs/architecture.md "The data layer"): the fetcher of
// Berth's API and its error, the query keys, the query options of every read, the details loader,
// what the person changes, where a QueryClient reads from, and the repositories this browser opened.
export { ApiError, SERVER_UNAVAILABLE, isApiError, type ClientErrorCode } from './fetch';
export { keys, type DocumentKind } from './keys';
export { sourceOf } from './source';
export { getQueryClient, renderQueryClient } from './query-client';
export { DEFAULT_HUB_SORT, HUB_SORTS, normaliseNamespace, parseHubSort, signedInAs, type HubSort } from './namespaces';
export { DETAILS_BATCH, detailQueryOptions, isDetailError, knownDetails, readDetails, seedDetails, type DetailResult } from './details';
export {
  TAG_PAGE_SIZE,
  configQueryOptions,
  diagnosisQueryOptions,
  documentQueryOptions,
  fileQueryOptions,
  filesDiffQueryOptions,
  filesProgressQueryOptions,
  filesQueryOptions,
  manifestQueryOptions,
  namespaceQueryOptions,
  prefetchManifest,
  pullLimitQueryOptions,
  referrersQueryOptions,
  repositoriesQueryOptions,
  sessionQueryOptions,
  tagsQueryOptions,
} from './queries';
export { checkPullLimit, deleteReference, deletionCheckOptions, signIn, signOut, signOutOfAll } from './changes';
export { forgetRecentRepositories, parseRecent, readRecent, rememberRepository, subscribeToRecent } from './recent';
