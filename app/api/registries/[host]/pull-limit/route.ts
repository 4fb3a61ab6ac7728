import { browseRoute } from '@/lib/server/api';
import { fetchPullLimitBody } from '@/lib/server/browse';

export function GET(request: Request, ctx: RouteContext<'/api/registries/[host]/pull-limit'>): Promise<Response> {
  return browseRoute(request, ctx.params, async (client, query) => {
    const repository = query.optional('repository');
    const reference = query.optional('reference');
    return fetchPullLimitBody(client, repository && reference ? { repository, reference } : undefined);
  });
}
