import 'reflect-metadata';
import './common/enums';
import type { GraphQLSchema } from 'graphql';
import { buildSchema, type NonEmptyArray } from 'type-graphql';
import { COMMON_DOCS } from './common/common.docs';
import { CURRENCY_DOCS } from './currencies/currency.docs';
import { USER_DOCS } from './users/user.docs';
import { AUDIT_DOCS } from './audit/audit.docs';
import { OPPORTUNITY_DOCS } from './opportunities/opportunity.docs';
import { ACCOUNT_DOCS } from './accounts/account.docs';
import { CONTACT_DOCS } from './contacts/contact.docs';
import { STAKEHOLDER_DOCS } from './stakeholders/stakeholder.docs';
import { TIMELINE_DOCS } from './timeline/timeline.docs';
import { LEAD_DOCS } from './leads/lead.docs';
import { applySchemaDocs, enumSchemaDocs, type SchemaDocs } from './common/schema-docs';
import { AccountResolver } from './accounts/account.resolver';
import { AuditEntryResolver, LeadHistoryResolver } from './audit/audit.resolver';
import { authChecker } from './access/policy';
import { callFieldResolversDirectly, resolveAbstractTypesDirectly } from './common/direct-resolvers';
import { DateTimeScalar } from './common/scalars';
import { ContactResolver } from './contacts/contact.resolver';
import { CurrencyResolver } from './currencies/currency.resolver';
import { DuplicatesResolver } from './leads/duplicates.resolver';
import { LeadImportResolver } from './leads/import.resolver';
import { LeadResolver } from './leads/lead.resolver';
import { LeadLifecycleResolver } from './leads/lifecycle.resolver';
import { OpportunityResolver } from './opportunities/opportunity.resolver';
import { LeadStakeholdersResolver, StakeholderResolver } from './stakeholders/stakeholder.resolver';
import { ActivityResolver } from './timeline/activity.resolver';
import { LeadTimelineResolver } from './timeline/lead-timeline.resolver';
import { AttachmentResolver, NoteResolver } from './timeline/note.resolver';
import { UserResolver } from './users/user.resolver';

/** Every resolver class; a feature adds its resolver here. */
export const resolvers: NonEmptyArray<Function> = [
  UserResolver, CurrencyResolver, LeadResolver, ContactResolver, AccountResolver,
  LeadLifecycleResolver, DuplicatesResolver, LeadImportResolver,
  StakeholderResolver, LeadStakeholdersResolver,
  OpportunityResolver,
  AuditEntryResolver, LeadHistoryResolver,
  NoteResolver,
  AttachmentResolver,
  ActivityResolver,
  LeadTimelineResolver,
];

/**
 * Every feature's descriptions (its `<feature>.docs.ts`), for the elements whose decorators
 * give none: every type, field, argument, input field and enum value of the schema has one.
 */
export const SCHEMA_DOCS: SchemaDocs = {
  ...enumSchemaDocs(), ...COMMON_DOCS, ...CURRENCY_DOCS, ...USER_DOCS, ...AUDIT_DOCS, ...OPPORTUNITY_DOCS, ...ACCOUNT_DOCS, ...CONTACT_DOCS, ...STAKEHOLDER_DOCS, ...TIMELINE_DOCS, ...LEAD_DOCS,
};

let built: Promise<GraphQLSchema> | undefined;

/**
 * The executable schema. Input validation is not left to type-graphql (whose errors are
 * top-level and echo the raw input): services validate and answer with VALIDATION userErrors.
 */
export function createSchema(): Promise<GraphQLSchema> {
  built ??= buildSchema({
    resolvers,
    authChecker,
    authMode: 'error',
    validate: false,
    scalarsMap: [{ type: Date, scalar: DateTimeScalar }],
    emitSchemaFile: false,
  }).then((schema) => {
    applySchemaDocs(schema, SCHEMA_DOCS);
    callFieldResolversDirectly(schema);
    resolveAbstractTypesDirectly(schema);
    return schema;
  });
  return built;
}
