import fs from 'node:fs';
import path from 'node:path';
import { Presets, SingleBar } from 'cli-progress';
import { Option, type Command } from 'commander';
import type { CommandModule } from '../admin';
import { print, requireAll, withDatabase } from '../admin.tools';
import { ImportAction, ImportMatch, ImportOnMatch } from '../common/enums';
import { failedRowsCsv, parseLeadsCsv, recordToInput, type CsvRecord, type RowError } from './import.csv';
import { ImportLeadsInput } from './import.inputs';
import { ImportService } from './import.service';
import type { CreateLeadInput } from './lead.inputs';

/** Rows sent to the import service at once: each chunk is one transaction, as one importLeads call. */
export const CHUNK_ROWS = 500;

interface Options { owner?: string; onMatch: string; matchOn: string; dryRun?: boolean }

/** `<dir>/<name>.failed.csv` beside `file` (`leads.csv` → `leads.failed.csv`). */
export function failedFileFor(file: string): string {
  const { dir, name, ext } = path.parse(file);
  return path.join(dir, `${ext.toLowerCase() === '.csv' ? name : `${name}${ext}`}.failed.csv`);
}

/**
 * `leads:import <file.csv> --owner <email>`: imports a CSV file of leads through importLeads,
 * acting as the owner user, in chunks of {@link CHUNK_ROWS} rows. Prints a JSON summary; the
 * rows that failed (a cell that is no value of its field, or an error of the import) go to
 * `<name>.failed.csv` beside the file, with their line and errors.
 */
export const importCommand: CommandModule = (program: Command) => {
  program
    .command('leads:import')
    .description('Import leads from a CSV file, acting as the --owner user (whose leads they become, unless a row names an ownerId). Rows whose email matches an OPEN lead the owner may read are skipped, updated or created anyway (--on-match). Prints {"file","owner","ownerId","dryRun","rows","created","updated","skipped","failed","failedFile"}; failed rows go to <name>.failed.csv beside the file.')
    .argument('<file>', 'a CSV file whose first line names the columns: createLead input fields in any case, address.city, budget.amount, budget.currencyCode…')
    .addOption(new Option('--owner <email>', 'the user the import acts as'))
    .addOption(new Option('--on-match <action>', 'what a row matching a lead does').choices(['skip', 'update', 'create']).default('skip'))
    .addOption(new Option('--match-on <how>', 'how rows are matched to leads').choices(['email', 'none']).default('email'))
    .addOption(new Option('--dry-run', 'report what would happen; write nothing'))
    .action(async (file: string, opts: Options, cmd: Command) => {
      requireAll(cmd, ['owner']);
      let text: string;
      try {
        text = fs.readFileSync(file, 'utf8');
      } catch (err) {
        throw new Error(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
      }
      // Every problem of the file as a whole is reported before anything is imported.
      const csv = parseLeadsCsv(text);
      const failed: { record: CsvRecord; errors: RowError[] }[] = [];
      const rows: { record: CsvRecord; input: CreateLeadInput }[] = [];
      for (const record of csv.records) {
        const { input, errors } = recordToInput(csv.columns, record.cells);
        if (input) rows.push({ record, input });
        else failed.push({ record, errors });
      }
      const counts = { created: 0, updated: 0, skipped: 0 };
      const owner = await withDatabase(async ({ em, users }) => {
        const owner = await users.findByEmail(em, opts.owner!);
        const bar = process.stderr.isTTY
          ? new SingleBar({ stream: process.stderr, format: 'leads:import [{bar}] {value}/{total} rows', hideCursor: true }, Presets.shades_classic)
          : null;
        bar?.start(rows.length, 0);
        try {
          for (let start = 0; start < rows.length; start += CHUNK_ROWS) {
            const chunk = rows.slice(start, start + CHUNK_ROWS);
            const input = Object.assign(new ImportLeadsInput(), {
              rows: chunk.map((r) => r.input), dryRun: opts.dryRun ?? false,
              matchOn: opts.matchOn === 'none' ? ImportMatch.NONE : ImportMatch.EMAIL,
              onMatch: ({ skip: ImportOnMatch.SKIP, update: ImportOnMatch.UPDATE, create: ImportOnMatch.CREATE } as const)[opts.onMatch as 'skip'],
            });
            const payload = await new ImportService(em.fork(), owner).importLeads(input);
            payload.results.forEach((result, i) => {
              if (result.action === ImportAction.FAILED) {
                // ["input","rows","<index>", …rest]: the rest is the column's name.
                failed.push({ record: chunk[i].record, errors: result.userErrors.map((e) => ({ field: e.field?.slice(3).join('.') || null, message: e.message })) });
              } else counts[result.action === ImportAction.CREATED ? 'created' : result.action === ImportAction.UPDATED ? 'updated' : 'skipped'] += 1;
            });
            bar?.increment(chunk.length);
          }
        } finally {
          bar?.stop();
        }
        return owner;
      });
      const failedFile = failedFileFor(file);
      if (failed.length) {
        failed.sort((a, b) => a.record.line - b.record.line);
        fs.writeFileSync(failedFile, failedRowsCsv(csv.header, failed));
      } else {
        // A failed-rows file of an earlier run would speak of rows this run imported.
        fs.rmSync(failedFile, { force: true });
      }
      print({
        file: path.resolve(file), owner: owner.email, ownerId: owner.id, dryRun: opts.dryRun ?? false, rows: csv.records.length,
        ...counts, failed: failed.length, failedFile: failed.length ? path.resolve(failedFile) : null,
      });
    });
};
