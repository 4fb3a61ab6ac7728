import 'server-only';
import { RegistryError } from '@/lib/registry';

/** A request body as JSON, read no further than `maxBytes`: a huge body is refused, not buffered. */
export async function readJsonBody(request: Request, maxBytes: number): Promise<unknown> {
  const tooLarge = () =>
    new RegistryError({
      code: 'PAYLOAD_TOO_LARGE',
      message: `The request is larger than ${Math.round(maxBytes / 1024)} KB; Berth does not read it. Send only the form's fields.`,
    });
  const declared = Number(request.headers.get('content-length') ?? NaN);
  if (declared > maxBytes) throw tooLarge();
  const reader = request.body?.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (reader) {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel().catch(() => {});
        throw tooLarge();
      }
      chunks.push(value);
    }
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new RegistryError({ code: 'INVALID_REQUEST', message: 'Send the form as JSON.' });
  }
}
