import type { SessionBody } from '@/lib/api/types';
import { assertSameOrigin, errorResponse, json } from '@/lib/server/api';
import { getSession, sessionBody } from '@/lib/server/session';

export async function GET(): Promise<Response> {
  try {
    return json(await sessionBody());
  } catch (e) {
    return errorResponse(e);
  }
}

/** Sign out of every registry. */
export async function DELETE(request: Request): Promise<Response> {
  try {
    assertSameOrigin(request);
    const session = await getSession();
    session.destroy();
    const body: SessionBody = { registries: [] };
    return json(body);
  } catch (e) {
    return errorResponse(e);
  }
}
