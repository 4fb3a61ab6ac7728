import { browseRoute, json } from '@/lib/server/api';
import { tagPage } from '@/lib/server/views';

export function GET(request: Request, ctx: RouteContext<'/api/registries/[host]/tags'>): Promise<Response> {
  return browseRoute(request, ctx.params, async (client, query) => {
    const [repository] = query.required(['repository'], 'a repository');
    return json(await tagPage(client, repository, query.page(1000)));
  });
}
