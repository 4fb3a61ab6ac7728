import { browseRoute, json } from '@/lib/server/api';
import { configBody } from '@/lib/server/views';

export function GET(request: Request, ctx: RouteContext<'/api/registries/[host]/config'>): Promise<Response> {
  return browseRoute(request, ctx.params, async (client, query, host) => {
    const [repository, digest] = query.required(['repository', 'digest'], 'a repository and the config digest');
    return json(await configBody(client, host, repository, digest));
  });
}
