import { endpoints } from '@/lib/api/endpoints';
import { rawRoute } from '@/lib/server/api';
import { fileDownloadResponse } from '@/lib/server/files';

export function GET(request: Request, ctx: RouteContext<'/api/registries/[host]/file/download'>): Promise<Response> {
  return rawRoute(request, ctx.params, endpoints.fileDownload, (client, query) => fileDownloadResponse(client, query.repository, query.digest, query.path));
}
