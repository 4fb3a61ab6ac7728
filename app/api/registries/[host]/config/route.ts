import { badRequest, browse, errorResponse, hostParam, json } from '@/lib/server/api';
import { configBody } from '@/lib/server/views';

export async function GET(request: Request, ctx: RouteContext<'/api/registries/[host]/config'>): Promise<Response> {
  let host: string;
  try {
    host = hostParam((await ctx.params).host);
  } catch (e) {
    return errorResponse(e);
  }
  const q = new URL(request.url).searchParams;
  return browse(host, async (client) => {
    const repository = q.get('repository');
    const digest = q.get('digest');
    if (!repository || !digest) throw badRequest('Name a repository and the config digest.');
    return json(await configBody(client, host, repository, digest), { immutable: true });
  });
}
