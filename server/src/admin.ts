import 'reflect-metadata';
import { Command, Option } from 'commander';
import { print, requireAll, withDatabase } from './admin.tools';
import { Role } from './common/enums';
import { formCommands } from './forms/form.commands';
import { importCommand } from './leads/import.command';

/**
 * The admin command line: users, API keys and the features' own commands. `npm run admin -- --help` lists the commands,
 * `npm run admin -- <command> --help` a command's options. Every command prints one JSON object
 * on stdout; failures are one line on stderr and exit code 1.
 */

const ROLES = Object.values(Role);

/** Adds the commands of a feature (leads:import, form:create…) to the program. */
export type CommandModule = (program: Command) => void;

/** The feature command modules, registered after the users-and-keys commands. */
const COMMAND_MODULES: CommandModule[] = [formCommands, importCommand];

/** The candidate within 3 edits of `word`, if any (a typo of a command). */
function closest(word: string, candidates: string[]): string | undefined {
  const distance = (a: string, b: string) => {
    let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
      const cur = [i];
      for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
    return prev[b.length]!;
  };
  const scored = candidates.map((c) => ({ c, d: distance(word, c) })).sort((x, y) => x.d - y.d);
  return scored[0] && scored[0].d <= 3 ? scored[0].c : undefined;
}

export function adminProgram(): Command {
  const program = new Command()
    .name('npm run admin --')
    .description('Users, API keys, web forms and lead imports of the leads service. Uses DATABASE_URL, or else the embedded PostgreSQL in DATA_DIR (.data), whether or not the service is running. Every command prints one JSON object.')
    .showHelpAfterError('(add --help for usage)')
    .showSuggestionAfterError(true)
    .configureOutput({ outputError: (str, write) => write(str) });
  // An unknown command says so, with the commands there are.
  program.on('command:*', (operands: string[]) => {
    const known = program.commands.map((c) => c.name());
    const close = closest(operands[0]!, known);
    program.error(`error: unknown command '${operands[0]}'${close ? ` (did you mean ${close}?)` : ''}; the commands are ${known.join(', ')}`);
  });

  program
    .command('user:create')
    .description('Create a user and a first API key for it. Prints {"userId","keyId","apiKey","keyPrefix"}; the key is shown only this once.')
    .addOption(new Option('--name <name>', 'display name'))
    .addOption(new Option('--email <email>', 'email address, unique across users'))
    .addOption(new Option('--role <role>', `one of ${ROLES.join(', ')}`).argParser((v) => v.toUpperCase()))
    .action(async (opts: { name?: string; email?: string; role?: string }, cmd: Command) => {
      requireAll(cmd, ['name', 'email', 'role']);
      const made = await withDatabase(({ users }) => users.createUser({ name: opts.name!, email: opts.email!, role: opts.role as Role }));
      print({ userId: made.userId, keyId: made.keyId, apiKey: made.apiKey, keyPrefix: made.keyPrefix });
    });

  program
    .command('key:create')
    .description('Create another API key for an existing user. Prints {"userId","keyId","apiKey","keyPrefix"}; the key is shown only this once.')
    .addOption(new Option('--email <email>', "the user's email address"))
    .action(async (opts: { email?: string }, cmd: Command) => {
      requireAll(cmd, ['email']);
      const made = await withDatabase(({ users }) => users.createKey(opts.email!));
      print({ userId: made.userId, keyId: made.keyId, apiKey: made.apiKey, keyPrefix: made.keyPrefix });
    });

  program
    .command('key:revoke')
    .description('Revoke an API key by its prefix; every running service refuses it at once. Prints {"keyId","keyPrefix","userId","revokedAt"}.')
    .addOption(new Option('--prefix <prefix>', 'the key\'s prefix, lds_XXXXXXXXXX (printed with the key, and by keys:list)'))
    .action(async (opts: { prefix?: string }, cmd: Command) => {
      requireAll(cmd, ['prefix']);
      print(await withDatabase(({ users }) => users.revokeKey(opts.prefix!)));
    });

  program
    .command('users:list')
    .description('List users, oldest first. Prints {"users":[{"userId","name","email","role","createdAt","liveKeys"}]}.')
    .addOption(new Option('--role <role>', `only users of this role (${ROLES.join(', ')})`).argParser((v) => v.toUpperCase()))
    .action(async (opts: { role?: string }, cmd: Command) => {
      if (opts.role !== undefined && !ROLES.includes(opts.role as Role)) cmd.error(`error: --role must be one of ${ROLES.join(', ')}`);
      print({ users: await withDatabase(({ users }) => users.listUsers(opts.role as Role | undefined)) });
    });

  program
    .command('keys:list')
    .description('List API keys by prefix (never their secrets), oldest first. Prints {"keys":[{"keyId","keyPrefix","userId","email","createdAt","revokedAt"}]}.')
    .addOption(new Option('--email <email>', "only this user's keys"))
    .addOption(new Option('--all', 'include revoked keys'))
    .action(async (opts: { email?: string; all?: boolean }) => {
      print({ keys: await withDatabase(({ users }) => users.listKeys({ email: opts.email, all: opts.all })) });
    });

  for (const register of COMMAND_MODULES) register(program);

  for (const command of program.commands) {
    command.showHelpAfterError(`(see ${command.name()} --help)`).configureOutput({ outputError: (str, write) => write(str) });
  }
  return program;
}

if (require.main === module) {
  adminProgram().parseAsync(process.argv).catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
