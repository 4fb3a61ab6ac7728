import { isDigest, manifestView } from '@/lib/registry';
import { badRequest, browse, errorResponse, hostParam, json } from '@/lib/server/api';

export async function GET(request: Request, ctx: RouteContext<'/api/registries/[host]/manifest'>): Promise<Response> {
  let host: string;
  try {
    host = hostParam((await ctx.params).host);
  } catch (e) {
    return errorResponse(e);
  }
  const q = new URL(request.url).searchParams;
  return browse(host, async (client) => {
    const repository = q.get('repository');
    const reference = q.get('reference');
    if (!repository || !reference) throw badRequest('Name a repository and a tag or digest.');
    const manifest = await client.getManifest(repository, reference);
    const byDigest = isDigest(reference);
    return json(manifestView(host, repository, byDigest ? {} : { tag: reference }, manifest), { immutable: byDigest });
  });
}
