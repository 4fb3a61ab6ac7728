import type { RepositoryPage } from '@/lib/api-types';
import { browse, errorResponse, hostParam, intParam, json } from '@/lib/server/api';

export async function GET(request: Request, ctx: RouteContext<'/api/registries/[host]/repositories'>): Promise<Response> {
  let host: string;
  try {
    host = hostParam((await ctx.params).host);
  } catch (e) {
    return errorResponse(e);
  }
  const q = new URL(request.url).searchParams;
  return browse(host, async (client) => {
    const page = await client.listRepositories({ n: intParam(q.get('n'), 100, 1000), last: q.get('last') ?? undefined });
    const body: RepositoryPage = { repositories: page.items, next: page.next };
    return json(body);
  });
}
