import { browseRoute } from '@/lib/server/api';
import { MAX_DETAILS_PER_REQUEST, fetchDetailsBody } from '@/lib/server/browse';

export function GET(request: Request, ctx: RouteContext<'/api/registries/[host]/details'>): Promise<Response> {
  return browseRoute(request, ctx.params, async (client, query) => {
    const [repository] = query.required(['repository'], 'a repository');
    const references = query.list('ref', MAX_DETAILS_PER_REQUEST, 'at least one tag or digest as ref');
    // fresh=1: every tag asked of the registry now (the delete dialog finding a digest's tags).
    const fresh = query.optional('fresh') === '1';
    // pulls=1: the person asked for details that cost pulls where every manifest read is one (Docker Hub).
    const pulls = query.optional('pulls') === '1';
    return fetchDetailsBody(client, repository, references, request.signal, { fresh, pulls });
  });
}
