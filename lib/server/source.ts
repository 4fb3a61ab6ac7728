import 'server-only';
import { endpoints, readQuery, urlOf, type Endpoint, type InputOf, type QueryOf, type Source } from '@/lib/api/endpoints';
import { RegistryError, type RegistryClient, type RequestScope } from '@/lib/registry';
import { clientFor, type Answer } from './api';
import { answers } from './endpoints';
import { sessionBody } from './session';

// The reads of Berth's API while a page renders on the server (lib/api/endpoints.ts `Source`): the
// same answers the route handlers give (./endpoints.ts), called directly instead of over HTTP. The
// page's QueryClient reads through it (components/data), so its prefetch runs the browser's own
// query functions.

/**
 * What `endpoint` answers for `input`, read as its route handler reads it: the input is written as
 * the browser's URL would be and read back through the endpoint's row, so both see the same query.
 */
function asRoute<E extends Endpoint>(endpoint: E, answer: Answer<E>, client: (host: string) => Promise<RegistryClient>) {
  return async (input: InputOf<E>, init?: { signal?: AbortSignal }) => {
    const { host } = input as { host: string };
    const query: QueryOf<E> = readQuery(endpoint, new URL(urlOf(endpoint, input), 'http://berth.invalid').searchParams);
    return answer(await client(host), query, host, init?.signal);
  };
}

/** The reads of one page render, as the person asking (`scope`): one client per registry for the whole render. */
export function serverSource(scope: RequestScope): Source {
  const clients = new Map<string, Promise<RegistryClient>>();
  const client = (host: string) => {
    let made = clients.get(host);
    if (!made) clients.set(host, (made = clientFor(host, scope)));
    return made;
  };
  return {
    session: () => sessionBody(),
    repositories: asRoute(endpoints.repositories, answers.repositories, client),
    namespace: asRoute(endpoints.namespace, answers.namespace, client),
    tags: asRoute(endpoints.tags, answers.tags, client),
    manifest: asRoute(endpoints.manifest, answers.manifest, client),
    config: asRoute(endpoints.config, answers.config, client),
    document: asRoute(endpoints.document, answers.document, client),
    referrers: asRoute(endpoints.referrers, answers.referrers, client),
    details: asRoute(endpoints.details, answers.details, client),
    files: asRoute(endpoints.files, answers.files, client),
    filesProgress: asRoute(endpoints.filesProgress, answers.filesProgress, client),
    filesDiff: asRoute(endpoints.filesDiff, answers.filesDiff, client),
    file: asRoute(endpoints.file, answers.file, client),
    pullLimit: asRoute(endpoints.pullLimit, answers.pullLimit, client),
    // A diagnosis shows the registry as it is when the person asks: never while a page renders.
    diagnose: () => Promise.reject(new RegistryError({ code: 'INVALID_REQUEST', message: 'A diagnosis runs in the browser, when asked.' })),
  };
}
