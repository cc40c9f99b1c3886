import type DataLoader from 'dataloader';
import { requestLoader } from '../common/loaders';
import type { Context } from '../context';
import { Stakeholder } from './stakeholder.entity';

type Parent = 'lead' | 'opportunity';

/**
 * The stakeholders of many leads (or opportunities) in one query per request, oldest first,
 * with their contacts joined in.
 */
export function stakeholdersOf(ctx: Context, parent: Parent): DataLoader<string, Stakeholder[]> {
  return requestLoader<string, Stakeholder[]>(ctx, `stakeholders:${parent}`, async (ids) => {
    const rows = await ctx.em.find(Stakeholder, { [parent]: { $in: [...ids] } }, {
      populate: ['contact'], orderBy: { createdAt: 'asc', id: 'asc' },
    });
    const byParent = new Map<string, Stakeholder[]>(ids.map((id) => [id, []]));
    for (const s of rows) byParent.get(s[parent]!.id)?.push(s);
    return ids.map((id) => byParent.get(id)!);
  }, {
    // Parents resolved through other loaders (an opportunity's originatingLead) arrive a few
    // promise hops later than the default schedule waits; the end of the event-loop turn
    // gathers them all into one batch.
    batchScheduleFn: (dispatch) => setImmediate(dispatch),
  });
}
