import type { AuditSnapshot } from '../audit/audit.service';
import { normaliseAmount } from '../common/money';
import type { EntityRecord } from '../db/bulk';
import type { Lead } from './lead.entity';

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);
const text = (v: string | null | undefined) => (v === undefined || v === null ? null : String(v));

/**
 * The audited view of a lead: every public field rendered as text (money as "12500.00 USD").
 * Takes an entity or a plain record (bulk commands), whose relations show their keys alike.
 */
export function leadSnapshot(lead: EntityRecord<Lead>): AuditSnapshot {
  return {
    topic: lead.topic,
    firstName: text(lead.firstName),
    lastName: lead.lastName,
    jobTitle: text(lead.jobTitle),
    companyName: text(lead.companyName),
    email: text(lead.email),
    businessPhone: text(lead.businessPhone),
    mobilePhone: text(lead.mobilePhone),
    website: text(lead.website),
    'address.line1': text(lead.addressLine1),
    'address.line2': text(lead.addressLine2),
    'address.city': text(lead.addressCity),
    'address.stateOrProvince': text(lead.addressStateOrProvince),
    'address.postalCode': text(lead.addressPostalCode),
    'address.country': text(lead.addressCountry),
    industry: text(lead.industry),
    preferredContactMethod: lead.preferredContactMethod,
    source: text(lead.source),
    rating: text(lead.rating),
    description: text(lead.description),
    budget: lead.budgetAmount != null && lead.budgetCurrency ? `${normaliseAmount(lead.budgetAmount)} ${lead.budgetCurrency.code}` : null,
    purchaseTimeframe: text(lead.purchaseTimeframe),
    purchaseProcess: text(lead.purchaseProcess),
    budgetStatus: text(lead.budgetStatus),
    decisionMakerIdentified: String(lead.decisionMakerIdentified),
    existingAccountId: text(lead.existingAccount?.id),
    existingContactId: text(lead.existingContact?.id),
    ownerId: lead.owner.id,
    state: lead.state,
    statusReason: lead.statusReason,
    qualifiedAt: iso(lead.qualifiedAt),
    qualifyingOpportunityId: text(lead.qualifyingOpportunity?.id),
    accountId: text(lead.account?.id),
    contactId: text(lead.contact?.id),
  };
}
