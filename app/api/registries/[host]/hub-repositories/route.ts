import { HUB_ORDERINGS, type HubOrdering } from '@/lib/registry';
import { badRequest, browseRoute } from '@/lib/server/api';
import { fetchHubRepositoriesBody } from '@/lib/server/browse';

export function GET(request: Request, ctx: RouteContext<'/api/registries/[host]/hub-repositories'>): Promise<Response> {
  return browseRoute(request, ctx.params, async (client, query) => {
    const ordering = query.optional('ordering') ?? 'last_updated';
    if (!HUB_ORDERINGS.includes(ordering as HubOrdering)) throw badRequest(`ordering is one of ${HUB_ORDERINGS.join(', ')}.`);
    return fetchHubRepositoriesBody(client, { namespace: query.optional('namespace'), ordering: ordering as HubOrdering, cursor: query.optional('cursor') });
  });
}
