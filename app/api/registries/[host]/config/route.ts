import { browseRoute } from '@/lib/server/api';
import { fetchConfigBody } from '@/lib/server/browse';

export function GET(request: Request, ctx: RouteContext<'/api/registries/[host]/config'>): Promise<Response> {
  return browseRoute(request, ctx.params, async (client, query, host) => {
    const [repository, digest] = query.required(['repository', 'digest'], 'a repository and the config digest');
    return fetchConfigBody(client, host, repository, digest);
  });
}
