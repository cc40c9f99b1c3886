import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import type { User } from './users/user.entity';

/** What every resolver gets for one request. */
export interface Context {
  /** A fork of the EntityManager for this request alone. */
  em: EntityManager;
  /** The authenticated caller; requests without a valid key never reach a resolver. */
  actor: User;
  /** The API key the request authenticated with (per-key throttling). */
  apiKeyId?: string;
  requestId: string;
  log: Logger;
  /** Per-request DataLoaders by name; see `requestLoader`. */
  loaders: Map<string, unknown>;
  /** Whether a transaction of this request has committed: then it changed something. */
  writes: { committed: boolean };
}
