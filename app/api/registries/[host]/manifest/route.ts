import { isDigest } from '@/lib/registry';
import { badRequest, browse, errorResponse, hostParam, json } from '@/lib/server/api';
import { manifestBody } from '@/lib/server/views';

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
    return json(await manifestBody(client, host, repository, reference), { immutable: isDigest(reference) });
  });
}
