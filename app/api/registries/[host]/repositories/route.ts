import { browse, errorResponse, hostParam, intParam, json } from '@/lib/server/api';
import { repositoryPage } from '@/lib/server/views';

export async function GET(request: Request, ctx: RouteContext<'/api/registries/[host]/repositories'>): Promise<Response> {
  let host: string;
  try {
    host = hostParam((await ctx.params).host);
  } catch (e) {
    return errorResponse(e);
  }
  const q = new URL(request.url).searchParams;
  return browse(host, async (client) => {
    return json(await repositoryPage(client, { n: intParam(q.get('n'), 100, 1000), last: q.get('last') ?? undefined }));
  });
}
