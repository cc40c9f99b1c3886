import type { EntityManager } from '@mikro-orm/postgresql';
import { ActivityKind, TimelineKind } from '../common/enums';
import { badUserInput } from '../common/errors';
import { requestLoader } from '../common/loaders';
import { cursorValueFits, decodeCursor, toConnection, type ConnectionShape } from '../common/pagination';
import type { Context } from '../context';
import { RowReader } from '../common/rows';
import { readRows } from '../common/sql';
import { Activity } from './activity.entity';
import { Note } from './note.entity';
import type { TimelineNode } from './timeline.payloads';

export const noteRows = new RowReader(Note);
export const activityRows = new RowReader(Activity);

export interface TimelineArgs {
  /** Already checked by `pageSize`. */
  first: number;
  after?: string | null;
  kinds?: TimelineKind[] | null;
}

/** Which of the two tables a `kinds` filter reads; an empty or absent list reads everything. */
interface TimelineFilter {
  notes: boolean;
  /** null: every kind of activity; []: no activities. */
  activityKinds: ActivityKind[] | null;
}

type Cursor = [createdAt: string, id: string];

function timelineFilter(kinds: TimelineKind[] | null | undefined): TimelineFilter {
  if (!kinds?.length) return { notes: true, activityKinds: null };
  const wanted = new Set<string>(kinds);
  return { notes: wanted.has(TimelineKind.NOTE), activityKinds: Object.values(ActivityKind).filter((k) => wanted.has(k)) };
}

/** A cursor belongs to one lead's timeline; another lead's cursor is refused, not misread. */
const cursorTag = (leadId: string) => `timeline:${leadId}`;

function decodeTimelineCursor(after: string | null | undefined, leadId: string): Cursor | null {
  const values = decodeCursor(after, 2, cursorTag(leadId));
  if (!values) return null;
  const [at, id] = values;
  if (!cursorValueFits(at, 'timestamptz') || !cursorValueFits(id, 'uuid')) {
    throw badUserInput('"after" is not a cursor of this list', 'after');
  }
  return [at as string, id as string];
}

/**
 * The newest `limit` items of each lead, in one statement: per lead (a lateral join), each
 * table's own newest rows through its (lead_id, created_at, id) index, merged by UNION ALL and
 * cut again. The keyset condition `(created_at, id) < cursor` sits inside each branch, so
 * later pages cost the same as the first, and items added after the cursor was issued (newer
 * than it) cannot shift them. Ids are random UUIDs; they only break ties, which makes the
 * order total. Both tables' columns are selected side by side (each branch fills the other's
 * with nulls), so the rows come back whole.
 */
async function loadPages(em: EntityManager, leadIds: readonly string[], filter: TimelineFilter, cursor: Cursor | null, limit: number) {
  const keyset = (alias: string) => (cursor ? ` and (${alias}.created_at, ${alias}.id) < (?::timestamptz, ?::uuid)` : '');
  const cursorParams = cursor ? [...cursor] : [];
  const noteColumns = new Map(noteRows.columnPairs(em));
  const activityColumns = new Map(activityRows.columnPairs(em));
  const props = [...new Set([...noteColumns.keys(), ...activityColumns.keys()])];
  const select = (alias: string, columns: Map<string, string>) =>
    props.map((p) => `${columns.has(p) ? `${alias}."${columns.get(p)}"` : 'null'} as "${p}"`).join(', ');
  const branches: string[] = [];
  const params: unknown[] = [[...leadIds]];
  if (filter.notes) {
    branches.push(`(select 'NOTE'::text as "__kind", ${select('n', noteColumns)} from note n
      where n.lead_id = l.id${keyset('n')} order by n.created_at desc, n.id desc limit ?)`);
    params.push(...cursorParams, limit);
  }
  if (filter.activityKinds === null || filter.activityKinds.length > 0) {
    const kinds = filter.activityKinds ? ' and a.kind = any(?::text[])' : '';
    branches.push(`(select 'ACTIVITY'::text as "__kind", ${select('a', activityColumns)} from activity a
      where a.lead_id = l.id${kinds}${keyset('a')} order by a.created_at desc, a.id desc limit ?)`);
    params.push(...(filter.activityKinds ? [filter.activityKinds] : []), ...cursorParams, limit);
  }
  params.push(limit);
  const sql = `select p.* from unnest(?::uuid[]) as l(id)
    cross join lateral (select * from (${branches.join(' union all ')}) u order by u."createdAt" desc, u.id desc limit ?) p
    order by p.lead, p."createdAt" desc, p.id desc`;
  const rows = await readRows(em, sql, params);

  const pages = new Map<string, TimelineNode[]>(leadIds.map((id) => [id, []]));
  for (const row of rows) {
    const isNote = row.__kind === 'NOTE';
    delete row.__kind;
    for (const p of props) if (!(isNote ? noteColumns : activityColumns).has(p)) delete row[p];
    const [node] = isNote ? noteRows.finish(em, [row]) : activityRows.finish(em, [row]);
    pages.get(String(row.lead))?.push(node);
  }
  return leadIds.map((id) => pages.get(id) ?? []);
}

/** Items per lead across both tables, for `totalCount`, in one statement per batch. */
async function countItems(em: EntityManager, leadIds: readonly string[], filter: TimelineFilter): Promise<number[]> {
  const branches: string[] = [];
  const params: unknown[] = [];
  if (filter.notes) {
    branches.push('select n.lead_id from note n where n.lead_id = any(?::uuid[])');
    params.push([...leadIds]);
  }
  if (filter.activityKinds === null || filter.activityKinds.length > 0) {
    branches.push(`select a.lead_id from activity a where a.lead_id = any(?::uuid[])${filter.activityKinds ? ' and a.kind = any(?::text[])' : ''}`);
    params.push([...leadIds], ...(filter.activityKinds ? [filter.activityKinds] : []));
  }
  const rows = await readRows<{ lead_id: string; n: string }>(em,
    `select t.lead_id, count(*) as n from (${branches.join(' union all ')}) t group by t.lead_id`, params);
  const counts = new Map(rows.map((r) => [r.lead_id, Number(r.n)]));
  return leadIds.map((id) => counts.get(id) ?? 0);
}

/**
 * A lead's timeline: notes and activities, newest first (created_at desc, then id desc).
 * Every lead of a response asking with the same arguments is served by one batched statement
 * (the loader's name carries the arguments), and the count runs only when `totalCount` is asked.
 */
export async function leadTimeline(ctx: Context, leadId: string, args: TimelineArgs): Promise<ConnectionShape<TimelineNode>> {
  const cursor = decodeTimelineCursor(args.after, leadId);
  const filter = timelineFilter(args.kinds);
  const kindsKey = args.kinds?.length ? [...new Set(args.kinds)].sort().join(',') : '*';
  const pages = requestLoader<string, TimelineNode[]>(ctx, `timeline:${args.first}:${args.after ?? ''}:${kindsKey}`,
    (ids) => loadPages(ctx.em, ids, filter, cursor, args.first + 1));
  const counts = requestLoader<string, number>(ctx, `timeline-count:${kindsKey}`, (ids) => countItems(ctx.em, ids, filter));
  const rows = await pages.load(leadId);
  return toConnection(rows, args.first, args.after, cursorTag(leadId),
    (n) => [n.createdAt.toISOString(), n.id], () => counts.load(leadId));
}
