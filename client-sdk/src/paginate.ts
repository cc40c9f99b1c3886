/** The part of a connection that paging needs. */
export interface ConnectionPage<T> {
  nodes: ReadonlyArray<T>;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

/**
 * Walks a cursor connection: calls `fetchPage(after)` with `null` first and then with each
 * page's `endCursor`, yielding every node, until `hasNextPage` is false. Pages are fetched
 * lazily, one at a time, so breaking out of the loop stops the requests.
 *
 * Throws when the service reports another page but no new cursor, which would otherwise loop
 * forever.
 */
export async function* paginate<T>(
  fetchPage: (after: string | null) => Promise<ConnectionPage<T>>,
): AsyncGenerator<T, void, undefined> {
  let after: string | null = null;
  for (;;) {
    const page: ConnectionPage<T> = await fetchPage(after);
    yield* page.nodes;
    if (!page.pageInfo.hasNextPage) return;
    const next = page.pageInfo.endCursor;
    if (next === null || next === after) {
      throw new Error('paginate: the connection reported another page without a new endCursor');
    }
    after = next;
  }
}
