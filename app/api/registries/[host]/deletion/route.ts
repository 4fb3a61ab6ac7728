import { changeRoute } from '@/lib/server/api';
import { fetchDeletionBody } from '@/lib/server/browse';

/** Same-origin only: it sends the registry a DELETE (of a tag nobody made) to learn how it deletes. */
export function POST(request: Request, ctx: RouteContext<'/api/registries/[host]/deletion'>): Promise<Response> {
  return changeRoute(request, ctx.params, async (client, query) => {
    const [repository] = query.required(['repository'], 'a repository');
    return fetchDeletionBody(client, repository);
  });
}
