import { browseRoute } from '@/lib/server/api';
import { fetchReferrersBody } from '@/lib/server/browse';

export function GET(request: Request, ctx: RouteContext<'/api/registries/[host]/referrers'>): Promise<Response> {
  return browseRoute(request, ctx.params, async (client, query) => {
    const [repository, digest] = query.required(['repository', 'digest'], 'a repository and a digest');
    return fetchReferrersBody(client, repository, digest, query.optional('artifactType'));
  });
}
