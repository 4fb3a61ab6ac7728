// Deleting: learning how a registry deletes without deleting anything, deleting a manifest by
// digest, and a tag alone where the registry is known to delete tags alone. The delete right is
// asked for here only, once the person has chosen to delete (docs/protocol.md "Deleting").
import { randomBytes } from 'node:crypto';
import type { DeletionKind } from '../context';
import { RegistryError, parseErrorBody } from '../errors';
import type { HttpResponse } from '../net/http';
import { validateDigest, validateRepository, validateTag } from '../reference';
import { deletionErrorFromResponse } from '../response-error';
import { repositoryScope } from '../scope';
import { MAX_SMALL_BODY, contentKey, registryUrl, succeeded, type Connection } from './connection';
import { headManifest, headRequest } from './manifests';

/** How long Berth trusts what it learnt about how a registry deletes (forgotten at once when a delete fails). */
const DELETION_KIND_TTL_MS = 10 * 60_000;
/** A digest no content can have: deleting it tells whether deletion is on without deleting anything. */
const NO_SUCH_DIGEST = `sha256:${'0'.repeat(64)}`;

/** What deleting a tag alone did. */
export interface DeletedTag {
  /** The manifest the tag pointed at. */
  digest: string;
  /** False when the registry removed the manifest (and so every tag on it) with the tag. */
  manifestKept: boolean;
}

function sendDelete(c: Connection, repository: string, reference: string): Promise<HttpResponse> {
  const url = registryUrl(c, `/v2/${repository}/manifests/${reference}`);
  return c.auth.send({ method: 'DELETE', url, scopes: [repositoryScope(repository, ['pull', 'delete'])], maxBytes: MAX_SMALL_BODY });
}

/** What the caches held of a manifest that is gone. */
function forget(c: Connection, repository: string, digest: string): void {
  const key = contentKey(c, repository, digest);
  c.context.content.delete(key);
  c.context.parsedManifests.delete(key);
  c.context.summaries.delete(key);
}

/**
 * Whether this person may delete in `repository`, and whether the registry deletes a tag alone
 * ('tag') or only a manifest with every tag on it ('digest'), learnt without deleting anything:
 * a DELETE of a tag nobody made (a random name). A registry that deletes tags looks it up and
 * answers 404; distribution 2.x answers 400 DIGEST_INVALID (it deletes by digest only); 405 means
 * tag deletion or all deletion is off, and a DELETE of a digest no content can have tells which.
 * A refusal (DENIED, UNSUPPORTED, sign in) is thrown.
 */
export async function deletionKind(c: Connection, repository: string): Promise<DeletionKind> {
  validateRepository(repository);
  const what = { repository };
  const res = await sendDelete(c, repository, `berth-probe-${randomBytes(12).toString('hex')}`);
  const code = parseErrorBody(res.body)[0]?.code;
  let kind: DeletionKind;
  if (succeeded(res) || (res.status === 404 && code !== 'NAME_UNKNOWN')) kind = 'tag';
  else if (res.status === 400) kind = 'digest';
  else if (res.status === 405 || code === 'UNSUPPORTED') {
    const byDigest = await sendDelete(c, repository, NO_SUCH_DIGEST);
    if (!succeeded(byDigest) && byDigest.status !== 404) throw deletionErrorFromResponse(byDigest, c.auth.requester, what);
    kind = 'digest';
  } else throw deletionErrorFromResponse(res, c.auth.requester, what);
  c.context.deletionKinds.set(c.baseUrl.origin, kind, DELETION_KIND_TTL_MS);
  return kind;
}

/**
 * Deletes a manifest by digest. On most registries every tag on it goes with it: the caller
 * names them to the person first. What the caches held of it is dropped.
 */
export async function deleteManifest(c: Connection, repository: string, digest: string): Promise<void> {
  validateRepository(repository);
  validateDigest(digest);
  const res = await sendDelete(c, repository, digest);
  if (!succeeded(res)) throw deletionErrorFromResponse(res, c.auth.requester, { repository, reference: digest });
  forget(c, repository, digest);
}

/**
 * Deletes one tag and nothing else, only on a registry known to delete tags alone (learnt by
 * `deletionKind`): elsewhere a DELETE by tag is refused, or worse, so it is never sent. Afterwards
 * the manifest the tag pointed at is looked up again: a registry may have removed it, and every
 * other tag on it, with the tag, and the person must hear so.
 */
export async function deleteTag(c: Connection, repository: string, tag: string): Promise<DeletedTag> {
  validateRepository(repository);
  validateTag(tag);
  const origin = c.baseUrl.origin;
  const kind = c.context.deletionKinds.get(origin) ?? (await deletionKind(c, repository));
  const alone = new RegistryError({
    code: 'UNSUPPORTED',
    host: c.host,
    message: `${c.host} cannot delete a tag alone: deleting removes the manifest and every tag on it. Nothing was deleted.`,
  });
  if (kind !== 'tag') throw alone;
  const { digest } = await headManifest(c, repository, tag);
  const res = await sendDelete(c, repository, tag);
  if (res.status === 400) {
    c.context.deletionKinds.set(origin, 'digest', DELETION_KIND_TTL_MS);
    throw alone;
  }
  if (!succeeded(res)) {
    // What was learnt may no longer hold: the next delete asks the registry again.
    c.context.deletionKinds.delete(origin);
    throw deletionErrorFromResponse(res, c.auth.requester, { repository, reference: tag });
  }
  const after = await headRequest(c, repository, digest);
  const manifestKept = after.status === 200;
  if (!manifestKept) forget(c, repository, digest);
  return { digest, manifestKept };
}
