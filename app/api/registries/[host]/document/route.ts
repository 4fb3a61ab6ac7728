import { badRequest, browseRoute } from '@/lib/server/api';
import { fetchDocumentBody } from '@/lib/server/browse';

export function GET(request: Request, ctx: RouteContext<'/api/registries/[host]/document'>): Promise<Response> {
  return browseRoute(request, ctx.params, async (client, query) => {
    const [repository, digest, kind] = query.required(['repository', 'digest', 'kind'], 'a repository, a digest and a kind (manifest or blob)');
    if (kind !== 'manifest' && kind !== 'blob') throw badRequest('kind must be manifest or blob.');
    return fetchDocumentBody(client, repository, digest, kind);
  });
}
