import { endpoints } from '@/lib/api/endpoints';
import { browseRoute, changeRoute } from '@/lib/server/api';
import { answers } from '@/lib/server/endpoints';

export function GET(request: Request, ctx: RouteContext<'/api/registries/[host]/manifest'>): Promise<Response> {
  return browseRoute(request, ctx.params, endpoints.manifest, answers.manifest);
}

/** Same-origin only: a digest deletes the manifest, a tag that tag alone (where the registry can). */
export function DELETE(request: Request, ctx: RouteContext<'/api/registries/[host]/manifest'>): Promise<Response> {
  return changeRoute(request, ctx.params, endpoints.deleteManifest, answers.deleteManifest);
}
