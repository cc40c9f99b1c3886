import { Option, type Command } from 'commander';
import { print, requireAll, withDatabase } from '../admin.tools';
import { FormService } from './form.service';

/** The web-to-lead form commands: form:create, form:revoke, forms:list. */
export function formCommands(program: Command): void {
  program
    .command('form:create')
    .description('Create a web-to-lead form. Prints {"formId","name","owner","redirectUrl","createdAt","revokedAt","formKey","actionPath"}; the key is shown only this once, and the form posts to actionPath (/forms/<formKey>) on the service\'s base URL.')
    .addOption(new Option('--name <name>', 'what the form is (its leads\' default topic is "Web form: <name>"), 1..200 characters'))
    .addOption(new Option('--owner <email>', 'the user who owns and creates the leads the form receives; not a PARTNER'))
    .addOption(new Option('--redirect <url>', 'an http(s) URL to send the browser to (303) after a valid submission; without it the answer is 201 JSON'))
    .action(async (opts: { name?: string; owner?: string; redirect?: string }, cmd: Command) => {
      requireAll(cmd, ['name', 'owner']);
      print(await withDatabase(({ em }) => new FormService(em).createForm({ name: opts.name!, ownerEmail: opts.owner!, redirectUrl: opts.redirect })));
    });

  program
    .command('form:revoke')
    .description('Revoke a web-to-lead form, by its key or its id: its key gets 404 from then on. Prints {"formId","name","owner","redirectUrl","createdAt","revokedAt"}.')
    .addOption(new Option('--key <formKey>', 'the form\'s key, ldf_… (printed by form:create)').conflicts('id'))
    .addOption(new Option('--id <formId>', 'the form\'s id (printed by form:create and forms:list)'))
    .action(async (opts: { key?: string; id?: string }, cmd: Command) => {
      if (!opts.key && !opts.id) cmd.error('error: missing required option --key or --id');
      print(await withDatabase(({ em }) => new FormService(em).revokeForm({ key: opts.key, id: opts.id })));
    });

  program
    .command('forms:list')
    .description('List web-to-lead forms, oldest first, never their keys. Prints {"forms":[{"formId","name","owner","redirectUrl","createdAt","revokedAt"}]}.')
    .addOption(new Option('--all', 'include revoked forms'))
    .action(async (opts: { all?: boolean }) => {
      print({ forms: await withDatabase(({ em }) => new FormService(em).listForms({ all: opts.all })) });
    });
}
