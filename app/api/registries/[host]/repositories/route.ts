import { browseRoute } from '@/lib/server/api';
import { fetchRepositoriesBody } from '@/lib/server/browse';

export function GET(request: Request, ctx: RouteContext<'/api/registries/[host]/repositories'>): Promise<Response> {
  return browseRoute(request, ctx.params, (client, query) => fetchRepositoriesBody(client, query.page(100)));
}
