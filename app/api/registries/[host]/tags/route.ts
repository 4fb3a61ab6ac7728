import { browseRoute } from '@/lib/server/api';
import { fetchTagsBody } from '@/lib/server/browse';

export function GET(request: Request, ctx: RouteContext<'/api/registries/[host]/tags'>): Promise<Response> {
  return browseRoute(request, ctx.params, async (client, query) => {
    const [repository] = query.required(['repository'], 'a repository');
    return fetchTagsBody(client, repository, query.page(1000));
  });
}
