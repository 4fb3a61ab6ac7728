import { endpoints } from '@/lib/api/endpoints';
import { browseRoute } from '@/lib/server/api';
import { answers } from '@/lib/server/endpoints';

export function GET(request: Request, ctx: RouteContext<'/api/registries/[host]/files/diff'>): Promise<Response> {
  return browseRoute(request, ctx.params, endpoints.filesDiff, answers.filesDiff);
}
