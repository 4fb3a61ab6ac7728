import { browseRoute, json } from '@/lib/server/api';
import { fetchManifestBody } from '@/lib/server/browse';

export function GET(request: Request, ctx: RouteContext<'/api/registries/[host]/manifest'>): Promise<Response> {
  return browseRoute(request, ctx.params, async (client, query, host) => {
    const [repository, reference] = query.required(['repository', 'reference'], 'a repository and a tag or digest');
    return json(await fetchManifestBody(client, host, repository, reference));
  });
}
