import type { TagPage } from '@/lib/api-types';
import { badRequest, browse, errorResponse, hostParam, intParam, json } from '@/lib/server/api';

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
    const page = await client.listTags(repository, { n: intParam(q.get('n'), 1000, 1000), last: q.get('last') ?? undefined });
    const body: TagPage = { name: repository, tags: page.items, next: page.next };
    return json(body);
  });
}
