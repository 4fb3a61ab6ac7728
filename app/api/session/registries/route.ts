import { signInRequest } from '@/lib/api/endpoints';
import type { SignInBody } from '@/lib/api/types';
import { RegistryClient, RegistryError, parseRegistryAddress } from '@/lib/registry';
import { assertSameOrigin, badRequest, clientKey, errorResponse, json, requestScope } from '@/lib/server/api';
import { admitSignIn } from '@/lib/server/attempts';
import { readJsonBody } from '@/lib/server/body';
import { config, registryContext, signInAttempts } from '@/lib/server/config';
import { getSession, publicView, type StoredRegistry } from '@/lib/server/session';

/** The form is three short fields; anything larger is not a sign-in. */
const MAX_SIGN_IN_BYTES = 16 * 1024;

/** Browsers drop cookies over 4 KB; say so instead of failing with a 500. */
async function saveWithin4k(session: Awaited<ReturnType<typeof getSession>>, host: string): Promise<void> {
  try {
    await session.save();
  } catch (e) {
    if (e instanceof Error && /cookie length is too big/i.test(e.message)) {
      throw new RegistryError({
        code: 'SESSION_FULL',
        host,
        message: `Berth cannot keep this sign-in to ${host}: with your other registries the credentials no longer fit in a browser cookie (4 KB). Sign out of a registry you do not need, or use a shorter token.`,
      });
    }
    throw e;
  }
}

/** Sign in: check the address and credentials at once, then keep them in the sealed cookie. */
export async function POST(request: Request): Promise<Response> {
  try {
    assertSameOrigin(request);
    const parsed = signInRequest.safeParse(await readJsonBody(request, MAX_SIGN_IN_BYTES));
    if (!parsed.success) throw badRequest('Enter a registry, and a username and password (or leave the username empty).');
    const { username, password } = parsed.data;
    const address = parseRegistryAddress(parsed.data.registry);
    const resolved = config().policy.resolveRegistry(address);
    const credentials = username.trim() ? { username: username.trim(), password } : undefined;
    // Counted before anything is checked: concurrent guesses cannot all slip past the limits.
    const attempt = admitSignIn(signInAttempts(), { host: resolved.host, username: credentials?.username, client: clientKey(request.headers) });
    const registry = new RegistryClient({
      host: resolved.host,
      baseUrl: resolved.baseUrl,
      credentials,
      context: registryContext(),
      scope: requestScope(request),
    });
    try {
      await registry.verify();
    } catch (e) {
      if (e instanceof RegistryError && (e.code === 'UNAUTHORIZED' || e.code === 'ACCESS_TOKEN_REQUIRED') && credentials) {
        if (e.code === 'ACCESS_TOKEN_REQUIRED') throw e; // Docker Hub: right password, but it needs a token
        throw new RegistryError({
          code: 'UNAUTHORIZED',
          host: resolved.host,
          message: `${resolved.host} rejected the username or password (or token). Check them and try again.`,
        });
      }
      attempt.notAGuess();
      throw e;
    }
    attempt.succeeded();
    const session = await getSession();
    const entry: StoredRegistry = {
      host: resolved.host,
      url: resolved.baseUrl,
      username: credentials?.username ?? null,
      password: credentials ? password : null,
    };
    session.registries = [...(session.registries ?? []).filter((r) => r.host !== resolved.host), entry];
    await saveWithin4k(session, resolved.host);
    const body: SignInBody = { registry: publicView(entry) };
    return json(body);
  } catch (e) {
    return errorResponse(e);
  }
}
