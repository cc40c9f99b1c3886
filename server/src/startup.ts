import type { Config } from './config';
import { EmbeddedPostgresError } from './db/embedded';

const firstLine = (s: string) => s.split('\n').map((l) => l.trim()).filter(Boolean).join(' ');

/** `postgres://user:secret@host:5432/db` → `host:5432/db`: where, without the password. */
function where(databaseUrl: string): string {
  try {
    const u = new URL(databaseUrl);
    return `${u.hostname}:${u.port || 5432}${u.pathname}`;
  } catch {
    return 'DATABASE_URL';
  }
}

/**
 * What went wrong at start, as one line that names the setting to change or the fix. Used by
 * `npm start` and the admin command; the process then exits with code 1. Errors of
 * `server.listen` are marked by the caller with `phase: 'listen'` (see {@link listening}).
 */
export function explainStartFailure(err: unknown, config?: Config): string {
  const e = err as NodeJS.ErrnoException & { syscall?: string; port?: number; address?: string; hostname?: string };
  const message = firstLine(err instanceof Error ? err.message : String(err));
  if (message.startsWith('Invalid configuration')) return message;

  if (err instanceof EmbeddedPostgresError) {
    if (err.subject === 'dataDir') {
      return `Cannot keep the embedded PostgreSQL's data: ${message}. Set DATA_DIR to a folder this user can write${config ? ` (now ${config.dataDir})` : ''}, or set DATABASE_URL.`;
    }
    return `The embedded PostgreSQL did not start: ${message}.`;
  }

  if (config && (e as { phase?: string })?.phase === 'listen') {
    if (e.code === 'EADDRINUSE') {
      return `Port ${config.port} on ${config.host} is already in use (another leads service?): stop that program, or set PORT to a free port, e.g. PORT=${config.port + 1} npm start.`;
    }
    if (e.code === 'EACCES') return `Port ${config.port} needs privileges on this machine: set PORT to 1024 or above.`;
    if (e.code === 'EADDRNOTAVAIL' || e.code === 'ENOTFOUND') {
      return `HOST=${config.host} is not an address of this machine: set HOST to 127.0.0.1 (this machine only) or 0.0.0.0 (every interface).`;
    }
    return `Cannot listen on ${config.host}:${config.port} (${e.code ?? message}): check HOST and PORT.`;
  }

  if (config?.databaseUrl) {
    const at = where(config.databaseUrl);
    const pgCode = (err as { code?: string }).code;
    const reasonByCode: Record<string, string> = {
      ECONNREFUSED: 'connection refused (is PostgreSQL running there?)',
      ENOTFOUND: 'no such host',
      EAI_AGAIN: 'the host name cannot be resolved now',
      ETIMEDOUT: 'no answer (timed out)',
      ECONNRESET: 'the connection was reset',
    };
    const known = pgCode ? reasonByCode[pgCode] : undefined;
    if (known || /^(28|3D)/.test(pgCode ?? '') || /timeout|Connection terminated/i.test(message)) {
      return `Cannot use the database of DATABASE_URL (${at}): ${known ?? message}. Check DATABASE_URL, or unset it to use the embedded PostgreSQL.`;
    }
  }
  return `The service did not start: ${message}`;
}

/** Marks a failure of `server.listen`, so that it is explained in terms of HOST and PORT. */
export function listening<T>(p: Promise<T>): Promise<T> {
  return p.catch((err: unknown) => {
    throw Object.assign(err instanceof Error ? err : new Error(String(err)), { phase: 'listen' });
  });
}
