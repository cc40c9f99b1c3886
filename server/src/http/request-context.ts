import { AsyncLocalStorage } from 'node:async_hooks';

/** What is known of the request being served, wherever in its handling code runs. */
const store = new AsyncLocalStorage<{ requestId: string }>();

export function runWithRequestId<T>(requestId: string, fn: () => T): T {
  return store.run({ requestId }, fn);
}

/** The id of the request being served, for errors answered outside a request's own context. */
export function currentRequestId(): string | undefined {
  return store.getStore()?.requestId;
}
