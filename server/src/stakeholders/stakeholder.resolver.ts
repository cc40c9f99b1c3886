import { Arg, Authorized, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import { readsLeadsOnly, STAFF } from '../access/policy';
import { loadRelated } from '../common/loaders';
import { prefetchedOr } from '../common/prefetch';
import type { Readable, Row } from '../common/rows';
import { Contact } from '../contacts/contact.entity';
import { contactRows } from '../contacts/contact.queries';
import type { Context } from '../context';
import { Lead } from '../leads/lead.entity';
import { Stakeholder } from './stakeholder.entity';
import { AddStakeholderInput, RemoveStakeholderInput, UpdateStakeholderRoleInput } from './stakeholder.inputs';
import { stakeholdersOf } from './stakeholder.queries';
import { AddStakeholderPayload, RemoveStakeholderPayload, UpdateStakeholderRolePayload } from './stakeholder.payloads';
import { StakeholderService } from './stakeholder.service';

@Resolver(() => Stakeholder)
export class StakeholderResolver {
  @Authorized(STAFF)
  @Mutation(() => AddStakeholderPayload, { description: 'Connects an existing contact (`contactId`) or a new one (`newContact`) to an OPEN lead with a role. ADMIN and MANAGER: any lead; SALESPERSON: the leads it owns; PARTNER: top-level FORBIDDEN.' })
  addStakeholder(@Arg('input', () => AddStakeholderInput) input: AddStakeholderInput, @Ctx() ctx: Context): Promise<AddStakeholderPayload> {
    return new StakeholderService(ctx.em, ctx.actor).addStakeholder(input);
  }

  @Authorized(STAFF)
  @Mutation(() => UpdateStakeholderRolePayload, { description: 'Changes the role of a stakeholder of an OPEN lead; the same role changes nothing. ADMIN and MANAGER: any lead; SALESPERSON: the leads it owns; PARTNER: top-level FORBIDDEN.' })
  updateStakeholderRole(
    @Arg('input', () => UpdateStakeholderRoleInput) input: UpdateStakeholderRoleInput, @Ctx() ctx: Context,
  ): Promise<UpdateStakeholderRolePayload> {
    return new StakeholderService(ctx.em, ctx.actor).updateStakeholderRole(input);
  }

  @Authorized(STAFF)
  @Mutation(() => RemoveStakeholderPayload, { description: 'Disconnects a stakeholder from an OPEN lead; the contact stays. ADMIN and MANAGER: any lead; SALESPERSON: the leads it owns; PARTNER: top-level FORBIDDEN.' })
  removeStakeholder(@Arg('input', () => RemoveStakeholderInput) input: RemoveStakeholderInput, @Ctx() ctx: Context): Promise<RemoveStakeholderPayload> {
    return new StakeholderService(ctx.em, ctx.actor).removeStakeholder(input);
  }

  @FieldResolver(() => Contact)
  contact(@Root() stakeholder: Readable<Stakeholder>, @Ctx() ctx: Context): Row<Contact> | null | Promise<Row<Contact> | null> {
    return prefetchedOr(stakeholder, 'contact', () => loadRelated(ctx, contactRows, stakeholder.contact));
  }
}

@Resolver(() => Lead)
export class LeadStakeholdersResolver {
  @FieldResolver(() => [Stakeholder], { description: 'Oldest first. Empty for a PARTNER, which sees leads and nothing else.' })
  stakeholders(@Root() lead: Readable<Lead>, @Ctx() ctx: Context): Row<Stakeholder>[] | Promise<Row<Stakeholder>[]> {
    if (readsLeadsOnly(ctx.actor)) return [];
    return prefetchedOr(lead, 'stakeholders', () => stakeholdersOf(ctx, 'lead').load(lead.id));
  }
}
