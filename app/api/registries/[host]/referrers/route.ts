import type { ReferrersView } from '@/lib/api-types';
import { browseRoute, json } from '@/lib/server/api';

export function GET(request: Request, ctx: RouteContext<'/api/registries/[host]/referrers'>): Promise<Response> {
  return browseRoute(request, ctx.params, async (client, query) => {
    const [repository, digest] = query.required(['repository', 'digest'], 'a repository and a digest');
    const result = await client.getReferrers(repository, digest, query.optional('artifactType'));
    const body: ReferrersView = { referrers: result.referrers, source: result.source };
    return json(body);
  });
}
