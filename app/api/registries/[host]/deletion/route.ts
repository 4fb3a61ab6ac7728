import { endpoints } from '@/lib/api/endpoints';
import { changeRoute } from '@/lib/server/api';
import { answers } from '@/lib/server/endpoints';

/** Same-origin only: it sends the registry a DELETE (of a tag nobody made) to learn how it deletes. */
export function POST(request: Request, ctx: RouteContext<'/api/registries/[host]/deletion'>): Promise<Response> {
  return changeRoute(request, ctx.params, endpoints.deletion, answers.deletion);
}
