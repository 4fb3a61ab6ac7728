import type { SessionBody } from '@/lib/api/types';
import { assertSameOrigin, errorResponse, hostParam, json } from '@/lib/server/api';
import { getSession, publicView } from '@/lib/server/session';

/** Sign out of one registry. */
export async function DELETE(request: Request, ctx: RouteContext<'/api/session/registries/[host]'>): Promise<Response> {
  try {
    assertSameOrigin(request);
    const host = hostParam((await ctx.params).host);
    const session = await getSession();
    session.registries = (session.registries ?? []).filter((r) => r.host !== host);
    await session.save();
    const body: SessionBody = { registries: session.registries.map(publicView) };
    return json(body);
  } catch (e) {
    return errorResponse(e);
  }
}
