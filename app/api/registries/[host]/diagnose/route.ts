import { endpoints, readQuery } from '@/lib/api/endpoints';
import { admitDiagnosis, errorResponse, hostParam, json, requestScope } from '@/lib/server/api';
import { fetchDiagnosisBody } from '@/lib/server/diagnose';

/** Unlike the browse routes, a refused or failing registry is an answer here, not an error. */
export async function GET(request: Request, ctx: RouteContext<'/api/registries/[host]/diagnose'>): Promise<Response> {
  try {
    const host = hostParam((await ctx.params).host);
    const scope = requestScope(request);
    admitDiagnosis(request, scope);
    const { repository } = readQuery(endpoints.diagnose, new URL(request.url).searchParams);
    return json(await fetchDiagnosisBody(host, repository, scope), scope.client);
  } catch (e) {
    return errorResponse(e);
  }
}
