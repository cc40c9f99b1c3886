import DataLoader from 'dataloader';
import type { Context } from '../context';
import { idOf, type ForeignKey } from './ids';
import type { Row, RowReader } from './rows';

/**
 * The request's DataLoader named `name`, made on first use with `batch`. Loaders live as long
 * as the request, so they batch the field resolvers of one response and never serve another
 * caller's data.
 */
export function requestLoader<K, V, C = K>(
  ctx: Context, name: string, batch: DataLoader.BatchLoadFn<K, V>, options?: DataLoader.Options<K, V, C>,
): DataLoader<K, V, C> {
  let loader = ctx.loaders.get(name) as DataLoader<K, V, C> | undefined;
  if (!loader) {
    loader = new DataLoader<K, V, C>(batch, options);
    ctx.loaders.set(name, loader);
  }
  return loader;
}

/**
 * Rows of one table by id, for the whole request: every id asked for in the same turn of the
 * event loop is read in one statement. The batch waits for the end of the turn (not the first
 * promise hop), so that parents resolved through other loaders a few hops later still join it.
 */
export function rowsById<T extends object>(ctx: Context, reader: RowReader<T>): DataLoader<string, Row<T> | null> {
  return requestLoader<string, Row<T> | null>(ctx, `rows:${reader.entity.name}`, async (ids) => {
    const found = await reader.byIds(ctx.em, ids);
    return ids.map((id) => found.get(id) ?? null);
  }, { batchScheduleFn: (dispatch) => setImmediate(dispatch) });
}

/** The row a foreign key names, or null when it names none. */
export function loadRelated<T extends object>(ctx: Context, reader: RowReader<T>, fk: ForeignKey): Promise<Row<T> | null> {
  const id = idOf(fk);
  return id === null ? Promise.resolve(null) : rowsById(ctx, reader).load(id);
}
