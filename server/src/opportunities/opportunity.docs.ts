import type { SchemaDocs } from '../common/schema-docs';

/** Opportunities, made by qualifying leads. Staff read them all; to a PARTNER there are none. */
export const OPPORTUNITY_DOCS: SchemaDocs = {
  'Opportunity.id': 'The opportunity\'s id (opaque).',
  'Opportunity.name': 'Its name: the lead\'s topic when it was qualified.',
  'Opportunity.state': 'OPEN, WON or LOST; qualifying creates it OPEN.',
  'Opportunity.estimatedValue': 'The lead\'s budget converted into the opportunity\'s currency, rounded half-up to the cent; null when the lead had no budget.',
  'Opportunity.account': 'The customer: the account linked or created by qualifying.',
  'Opportunity.contact': 'The person: the contact linked or created by qualifying.',
  'Opportunity.owner': 'Who owns it: the lead\'s owner when it was qualified.',
  'Opportunity.createdAt': 'When it was created.',
  'Opportunity.budgetStatus': 'Whether money is set aside, copied from the lead at qualify.',
  'Opportunity.decisionMakerIdentified': 'Whether the decision maker is known, copied from the lead at qualify.',
  'Opportunity.purchaseProcess': 'Who decides the purchase, copied from the lead at qualify.',
  'Opportunity.purchaseTimeframe': 'When the customer expects to buy, copied from the lead at qualify.',
  'Opportunity.updatedAt': 'When it last changed.',
  'OpportunityFilter.state': 'Opportunities in any of these states.',
  'Query.opportunity(id:)': 'The opportunity\'s id; an id that is not one gives null.',
  'Query.opportunities(first:)': 'Page size, 1..100 (default 25); anything else is a top-level BAD_USER_INPUT.',
  'Query.opportunities(after:)': 'An endCursor of the same filter: the opportunities after it.',
  'Query.opportunities(filter:)': 'Which opportunities; absent means all.',
};
