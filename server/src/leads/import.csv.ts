import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import {
  BudgetStatus, Industry, LeadRating, LeadSource, PreferredContactMethod, PurchaseProcess, PurchaseTimeframe,
} from '../common/enums';
import { MoneyInput } from '../common/money';
import { AddressInput, CreateLeadInput } from './lead.inputs';

/**
 * The CSV form of createLead's input, for `leads:import`. A column is named after the input's
 * field, in any case (`lastName`, `LASTNAME`); address parts and the budget are `address.line1`,
 * `address.line2`, `address.city`, `address.stateOrProvince`, `address.postalCode`,
 * `address.country`, `budget.amount` and `budget.currencyCode`. An empty cell is a field not
 * given. Enum values are their API names in any case; `decisionMakerIdentified` is
 * true/false, yes/no or 1/0.
 */

const TEXT = [
  'topic', 'lastName', 'firstName', 'jobTitle', 'companyName', 'email', 'businessPhone', 'mobilePhone', 'website', 'description',
  'existingAccountId', 'existingContactId', 'ownerId',
] as const;
const ENUMS: Record<string, Record<string, string>> = {
  industry: Industry, preferredContactMethod: PreferredContactMethod, source: LeadSource, rating: LeadRating,
  purchaseTimeframe: PurchaseTimeframe, purchaseProcess: PurchaseProcess, budgetStatus: BudgetStatus,
};
const ADDRESS = ['line1', 'line2', 'city', 'stateOrProvince', 'postalCode', 'country'] as const;
const BUDGET = ['amount', 'currencyCode'] as const;
const BOOLEANS: Record<string, boolean> = { true: true, yes: true, 1: true, false: false, no: false, 0: false };

/** Every column name the command knows, as it is spelled in the documentation. */
export const CSV_COLUMNS: readonly string[] = [
  ...TEXT, ...Object.keys(ENUMS), 'decisionMakerIdentified', ...ADDRESS.map((p) => `address.${p}`), ...BUDGET.map((p) => `budget.${p}`),
];
const BY_LOWER = new Map(CSV_COLUMNS.map((c) => [c.toLowerCase(), c]));
const REQUIRED = ['topic', 'lastName'];
/**
 * The columns a failed-rows file adds (`failedRowsCsv`), left out when a file is read: such a
 * file, its rows corrected, imports as it is.
 */
const REPORT_COLUMNS = new Set(['line', 'errors']);

/** A row's failure, as the failed-rows file reports it: the field (a column name) and why. */
export interface RowError { field: string | null; message: string }

/** A record of the file: the line it starts on (the header is line 1) and its cells. */
export interface CsvRecord { line: number; cells: string[] }

/** The parsed file: its header as written, each header's column name, and its records. */
export interface CsvFile { header: string[]; columns: string[]; records: CsvRecord[] }

const BREAK = /\r\n|\r|\n/g;

/**
 * Parses a CSV file (UTF-8, an optional BOM, comma-separated, RFC 4180 quoting, blank lines
 * skipped). Throws, before anything is imported, on malformed CSV, a header that names an
 * unknown or repeated column, or a missing `topic` or `lastName` column. The `line` and
 * `errors` columns of a failed-rows file are left out.
 */
export function parseLeadsCsv(text: string): CsvFile {
  let parsed: { record: string[]; raw: string }[];
  try {
    parsed = parse(text, { bom: true, skip_empty_lines: true, info: true, raw: true }) as unknown as { record: string[]; raw: string }[];
  } catch (err) {
    throw new Error(`the file is not valid CSV: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (!parsed.length) throw new Error('the file is empty; its first line must name the columns');
  // Lines are counted here: every line break of the text so far, a record's leading blank lines included.
  let breaks = 0;
  const located = parsed.map(({ record, raw }) => {
    const leading = (/^(?:\r\n|\r|\n)*/.exec(raw)![0].match(BREAK) ?? []).length;
    const line = 1 + breaks + leading;
    breaks += (raw.match(BREAK) ?? []).length;
    return { line, cells: record };
  });
  const [head, ...rest] = located;
  const kept = head.cells.map((h, i) => (REPORT_COLUMNS.has(h.trim().toLowerCase()) ? -1 : i)).filter((i) => i >= 0);
  const header = kept.map((i) => head.cells[i].trim());
  const records = kept.length === head.cells.length ? rest : rest.map((r) => ({ line: r.line, cells: kept.map((i) => r.cells[i] ?? '') }));
  const unknown = header.filter((h) => !BY_LOWER.has(h.toLowerCase()));
  if (unknown.length) {
    throw new Error(`unknown column${unknown.length > 1 ? 's' : ''} ${unknown.map((u) => JSON.stringify(u)).join(', ')}; the columns are ${CSV_COLUMNS.join(', ')} (in any case)`);
  }
  const columns = header.map((h) => BY_LOWER.get(h.toLowerCase())!);
  const repeated = columns.filter((c, i) => columns.indexOf(c) !== i);
  if (repeated.length) throw new Error(`column${repeated.length > 1 ? 's' : ''} ${[...new Set(repeated)].join(', ')} appear${repeated.length > 1 ? '' : 's'} more than once`);
  const missing = REQUIRED.filter((r) => !columns.includes(r));
  if (missing.length) throw new Error(`missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}; every lead needs them`);
  return { header, columns, records };
}

/**
 * A record as createLead's input (instances of the input classes, which their validation
 * needs), or the errors of the cells that cannot be one: an unknown enum value, a boolean that
 * is none, half a budget. The rules of the input itself are left to the import.
 */
export function recordToInput(columns: string[], cells: string[]): { input: CreateLeadInput | null; errors: RowError[] } {
  const input = new CreateLeadInput() as unknown as Record<string, unknown>;
  const address = new AddressInput() as Record<string, unknown>;
  const budget = new MoneyInput() as unknown as Record<string, unknown>;
  const errors: RowError[] = [];
  columns.forEach((column, i) => {
    const value = (cells[i] ?? '').trim();
    if (value === '') return;
    const [group, part] = column.split('.');
    if (group === 'address') address[part] = value;
    else if (group === 'budget') budget[part] = value;
    else if (ENUMS[column]) {
      const name = value.toUpperCase().replace(/[\s-]+/g, '_');
      if (name in ENUMS[column]) input[column] = name;
      else errors.push({ field: column, message: `${column} must be one of ${Object.keys(ENUMS[column]).join(', ')}; got ${JSON.stringify(value)}` });
    } else if (column === 'decisionMakerIdentified') {
      const flag = BOOLEANS[value.toLowerCase()];
      if (flag === undefined) errors.push({ field: column, message: `${column} must be true or false (yes/no, 1/0); got ${JSON.stringify(value)}` });
      else input[column] = flag;
    } else input[column] = value;
  });
  if (Object.keys(address).length) input.address = address;
  const given = BUDGET.filter((p) => budget[p] !== undefined);
  if (given.length === BUDGET.length) input.budget = budget;
  else if (given.length) {
    const absent = BUDGET.find((p) => budget[p] === undefined)!;
    errors.push({ field: `budget.${absent}`, message: `budget.${absent} is needed with budget.${given[0]}` });
  }
  for (const r of REQUIRED) input[r] ??= '';
  return errors.length ? { input: null, errors } : { input: input as unknown as CreateLeadInput, errors: [] };
}

/** The failed-rows file: the file's line, the row's cells under its own header, and its errors ("field: message; …"). */
export function failedRowsCsv(header: string[], failed: { record: CsvRecord; errors: RowError[] }[]): string {
  return stringify([
    ['line', ...header, 'errors'],
    ...failed.map(({ record, errors }) => [
      String(record.line), ...header.map((_, i) => record.cells[i] ?? ''),
      errors.map((e) => (e.field ? `${e.field}: ${e.message}` : e.message)).join('; '),
    ]),
  ]);
}
