import DataLoader from 'dataloader';
import type { Context } from '../context';

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
