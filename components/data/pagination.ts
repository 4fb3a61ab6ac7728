/**
 * Next page of a registry list, unless the registry hands back a cursor already followed (a
 * cycle would otherwise page forever while a Filter waits for the list to complete).
 */
export function nextCursor(page: { next: string | null }, _pages: unknown[], _lastCursor: string | null, cursors: Array<string | null>): string | null {
  return page.next !== null && !cursors.includes(page.next) ? page.next : null;
}
