import { browseRoute, json } from '@/lib/server/api';
import { fetchRepositoriesBody } from '@/lib/server/browse';

export function GET(request: Request, ctx: RouteContext<'/api/registries/[host]/repositories'>): Promise<Response> {
  return browseRoute(request, ctx.params, async (client, query) => json(await fetchRepositoriesBody(client, query.page(100))));
}
