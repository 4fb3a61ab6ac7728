import { browseRoute, json } from '@/lib/server/api';
import { repositoryPage } from '@/lib/server/views';

export function GET(request: Request, ctx: RouteContext<'/api/registries/[host]/repositories'>): Promise<Response> {
  return browseRoute(request, ctx.params, async (client, query) => json(await repositoryPage(client, query.page(100))));
}
