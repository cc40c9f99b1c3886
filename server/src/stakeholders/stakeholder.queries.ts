import type DataLoader from 'dataloader';
import { requestLoader } from '../common/loaders';
import { RowReader, type Row } from '../common/rows';
import { readRows } from '../common/sql';
import type { Context } from '../context';
import { Stakeholder } from './stakeholder.entity';

export const stakeholderRows = new RowReader(Stakeholder);

type Parent = 'lead' | 'opportunity';

/** The stakeholders of many leads (or opportunities) in one statement per request, oldest first. */
export function stakeholdersOf(ctx: Context, parent: Parent): DataLoader<string, Row<Stakeholder>[]> {
  return requestLoader<string, Row<Stakeholder>[]>(ctx, `stakeholders:${parent}`, async (ids) => {
    const { em } = ctx;
    const rows = stakeholderRows.finish(em, await readRows(em,
      `select ${stakeholderRows.columns(em, 's')} from "${stakeholderRows.table(em)}" s
       where s."${stakeholderRows.column(em, parent)}" = any(?::uuid[]) order by s.created_at, s.id`, [[...ids]]));
    const byParent = new Map<string, Row<Stakeholder>[]>(ids.map((id) => [id, []]));
    for (const s of rows) byParent.get(s[parent]!)?.push(s);
    return ids.map((id) => byParent.get(id)!);
  }, {
    // Parents resolved through other loaders (an opportunity's originatingLead) arrive a few
    // promise hops later than the default schedule waits; the end of the event-loop turn
    // gathers them all into one batch.
    batchScheduleFn: (dispatch) => setImmediate(dispatch),
  });
}
