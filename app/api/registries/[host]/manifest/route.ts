import { browseRoute, changeRoute } from '@/lib/server/api';
import { deleteReference, fetchManifestBody } from '@/lib/server/browse';

export function GET(request: Request, ctx: RouteContext<'/api/registries/[host]/manifest'>): Promise<Response> {
  return browseRoute(request, ctx.params, async (client, query, host) => {
    const [repository, reference] = query.required(['repository', 'reference'], 'a repository and a tag or digest');
    return fetchManifestBody(client, host, repository, reference);
  });
}

/** Same-origin only: a digest deletes the manifest, a tag that tag alone (where the registry can). */
export function DELETE(request: Request, ctx: RouteContext<'/api/registries/[host]/manifest'>): Promise<Response> {
  return changeRoute(request, ctx.params, async (client, query) => {
    const [repository, reference] = query.required(['repository', 'reference'], 'a repository and the digest or tag to delete');
    return deleteReference(client, repository, reference);
  });
}
