import { badRequest, browse, errorResponse, hostParam, intParam, json } from '@/lib/server/api';
import { tagPage } from '@/lib/server/views';

export async function GET(request: Request, ctx: RouteContext<'/api/registries/[host]/tags'>): Promise<Response> {
  let host: string;
  try {
    host = hostParam((await ctx.params).host);
  } catch (e) {
    return errorResponse(e);
  }
  const q = new URL(request.url).searchParams;
  return browse(host, async (client) => {
    const repository = q.get('repository');
    if (!repository) throw badRequest('Name a repository.');
    return json(await tagPage(client, repository, { n: intParam(q.get('n'), 1000, 1000), last: q.get('last') ?? undefined }));
  });
}
