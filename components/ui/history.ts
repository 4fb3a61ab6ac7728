/** Dockerfile steps as recorded by the classic builder carry this noise. */
export function cleanCreatedBy(createdBy: string | undefined): string {
  if (!createdBy) return '';
  return createdBy
    .replace(/^\/bin\/sh -c #\(nop\)\s+/, '')
    .replace(/^\/bin\/sh -c /, 'RUN ')
    .replace(/\s*# buildkit$/, '')
    .trim();
}
