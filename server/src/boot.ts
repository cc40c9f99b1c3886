import module from 'node:module';
import path from 'node:path';

/**
 * Imported first by the entry points: Node (22.1+) keeps the compiled code of every module it
 * loads in node_modules/.cache, so that the next start skips compiling them — most of a warm
 * start is loading modules. The cache is the project's own (not the shared temporary folder,
 * where another user could plant entries); where it cannot be written, Node simply runs without
 * it. NODE_DISABLE_COMPILE_CACHE=1 turns it off.
 */
const enable = (module as { enableCompileCache?: (dir?: string) => unknown }).enableCompileCache;
try {
  enable?.(path.resolve(__dirname, '../../node_modules/.cache/leads-service/compile'));
} catch {
  // Not available or not writable: start without it.
}
