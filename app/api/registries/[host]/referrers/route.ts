import type { ReferrersView } from '@/lib/api-types';
import { badRequest, browse, errorResponse, hostParam, json } from '@/lib/server/api';

export async function GET(request: Request, ctx: RouteContext<'/api/registries/[host]/referrers'>): Promise<Response> {
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
    if (!repository || !digest) throw badRequest('Name a repository and a digest.');
    const result = await client.getReferrers(repository, digest, q.get('artifactType') ?? undefined);
    const body: ReferrersView = { referrers: result.referrers, source: result.source };
    return json(body);
  });
}
