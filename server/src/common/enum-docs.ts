/**
 * What each enum and each of its values means, for the schema's descriptions (and so for the
 * SDK's types and every GraphQL tool). Kept apart from enums.ts so that the list of values
 * stays readable there. test/schema-docs.test.ts fails on any enum or value without one.
 */
export interface EnumDoc {
  description: string;
  values: Record<string, string>;
}

/** Dataverse's industry option set (industrycode 1..33), with its labels. */
const INDUSTRY_LABELS: Record<string, string> = {
  ACCOUNTING: 'Accounting', AGRICULTURE: 'Agriculture and non-petrol natural resource extraction',
  BROADCASTING_PRINTING_PUBLISHING: 'Broadcasting, printing and publishing', BROKERS: 'Brokers',
  BUILDING_SUPPLY_RETAIL: 'Building supply retail', BUSINESS_SERVICES: 'Business services', CONSULTING: 'Consulting',
  CONSUMER_SERVICES: 'Consumer services', DESIGN_CREATIVE_MANAGEMENT: 'Design, direction and creative management',
  DISTRIBUTORS_DISPATCHERS_PROCESSORS: 'Distributors, dispatchers and processors',
  DOCTORS_OFFICES_CLINICS: "Doctors' offices and clinics", DURABLE_MANUFACTURING: 'Durable manufacturing',
  EATING_DRINKING_PLACES: 'Eating and drinking places', ENTERTAINMENT_RETAIL: 'Entertainment retail',
  EQUIPMENT_RENTAL_LEASING: 'Equipment rental and leasing', FINANCIAL: 'Financial',
  FOOD_TOBACCO_PROCESSING: 'Food and tobacco processing', INBOUND_CAPITAL_INTENSIVE_PROCESSING: 'Inbound capital-intensive processing',
  INBOUND_REPAIR_SERVICES: 'Inbound repair and services', INSURANCE: 'Insurance', LEGAL_SERVICES: 'Legal services',
  NON_DURABLE_MERCHANDISE_RETAIL: 'Non-durable merchandise retail', OUTBOUND_CONSUMER_SERVICE: 'Outbound consumer service',
  PETROCHEMICAL_EXTRACTION_DISTRIBUTION: 'Petrochemical extraction and distribution', SERVICE_RETAIL: 'Service retail',
  SIG_AFFILIATIONS: 'SIG affiliations', SOCIAL_SERVICES: 'Social services',
  SPECIAL_OUTBOUND_TRADE_CONTRACTORS: 'Special outbound trade contractors', SPECIALTY_REALTY: 'Specialty realty',
  TRANSPORTATION: 'Transportation', UTILITY_CREATION_DISTRIBUTION: 'Utility creation and distribution',
  VEHICLE_RETAIL: 'Vehicle retail', WHOLESALE: 'Wholesale',
};

export const ENUM_DOCS: Record<string, EnumDoc> = {
  LeadState: {
    description: "Where a lead is in its life. Only an OPEN lead can be changed; qualifyLeads and disqualifyLead close it, reactivateLead opens it again.",
    values: {
      OPEN: 'Being worked: it can be changed, assigned, qualified or disqualified.',
      QUALIFIED: 'Turned into an opportunity (with an account and a contact) by qualifyLeads; read-only until reactivated.',
      DISQUALIFIED: 'Closed without a sale by disqualifyLead, with a reason; read-only until reactivated.',
    },
  },
  LeadStatusReason: {
    description: "Why a lead is in its state: NEW or CONTACTED while OPEN, QUALIFIED when qualified, the disqualify reason when disqualified.",
    values: {
      NEW: 'OPEN, not yet worked; also after reactivation.',
      CONTACTED: 'OPEN, and someone has been in touch.',
      QUALIFIED: 'Qualified into an opportunity.',
      LOST: 'Disqualified: the sale was lost (the default reason).',
      CANNOT_CONTACT: 'Disqualified: the lead could not be reached.',
      NO_LONGER_INTERESTED: 'Disqualified: the lead is no longer interested.',
      CANCELED: 'Disqualified: canceled, e.g. entered by mistake.',
    },
  },
  DisqualifyReason: {
    description: "Why disqualifyLead closes a lead; it becomes the lead's statusReason.",
    values: {
      LOST: 'The sale was lost (the default).',
      CANNOT_CONTACT: 'The lead could not be reached.',
      NO_LONGER_INTERESTED: 'The lead is no longer interested.',
      CANCELED: 'Canceled, e.g. entered by mistake.',
    },
  },
  LeadSource: {
    description: "Where a lead came from. A PARTNER's leads are PARTNER unless it says otherwise.",
    values: {
      ADVERTISEMENT: 'An advertisement.', EMPLOYEE_REFERRAL: 'Referred by an employee.', EXTERNAL_REFERRAL: 'Referred by someone outside the company.',
      PARTNER: 'A partner (the default for leads a PARTNER creates).', PUBLIC_RELATIONS: 'Public relations.', SEMINAR: 'A seminar.',
      TRADE_SHOW: 'A trade show.', WEB: 'The web site.', WORD_OF_MOUTH: 'Word of mouth.', OTHER: 'Any other source.',
    },
  },
  LeadRating: {
    description: 'How likely a lead is to buy; orders as HOT > WARM > COLD > none.',
    values: { HOT: 'Likely to buy soon.', WARM: 'Interested, not yet ready.', COLD: 'Unlikely to buy.' },
  },
  PreferredContactMethod: {
    description: 'How the person of a lead prefers to be contacted (default ANY).',
    values: { ANY: 'Any way (the default).', EMAIL: 'By email.', PHONE: 'By phone.', FAX: 'By fax.', MAIL: 'By post.' },
  },
  PurchaseTimeframe: {
    description: 'When the lead expects to buy.',
    values: {
      IMMEDIATE: 'Right away.', THIS_QUARTER: 'This quarter.', NEXT_QUARTER: 'Next quarter.', THIS_YEAR: 'This year.',
      UNKNOWN: 'Not known.',
    },
  },
  PurchaseProcess: {
    description: 'Who decides the purchase on the lead\'s side.',
    values: { INDIVIDUAL: 'One person decides.', COMMITTEE: 'A committee decides.', UNKNOWN: 'Not known.' },
  },
  BudgetStatus: {
    description: 'Whether the lead has money for the purchase.',
    values: {
      NO_COMMITTED_BUDGET: 'No budget set aside.', MAY_BUY: 'May buy.', CAN_BUY: 'Has the budget.',
      WILL_BUY: 'Has the budget and has decided to buy.',
    },
  },
  StakeholderRole: {
    description: "The part a contact plays in a lead's (or opportunity's) purchase.",
    values: {
      STAKEHOLDER: 'Involved, no particular role (the default).', CHAMPION: 'Promotes the purchase inside the company.',
      DECISION_MAKER: 'Decides the purchase.', END_USER: 'Will use what is bought.', ECONOMIC_BUYER: 'Holds the budget.',
      INFLUENCER: 'Influences the decision.', TECHNICAL_BUYER: 'Judges the technical fit.',
    },
  },
  Industry: {
    description: "A company's industry: Dataverse's industry option set (industrycode 1..33, in this order).",
    values: Object.fromEntries(Object.entries(INDUSTRY_LABELS).map(([k, label], i) => [k, `${label} (industrycode ${i + 1}).`])),
  },
  Role: {
    description: 'What a user may do. Every API key acts as its user, with its role.',
    values: {
      ADMIN: 'Everything: every lead and record, the audit trail of any entity (auditEntries) and /metrics.',
      MANAGER: 'Reads and writes every lead and what is around it; may give leads to any owner but a PARTNER.',
      SALESPERSON: 'Reads every lead; changes only the leads it owns.',
      PARTNER: 'Creates leads and reads the ones it created (their own fields); sees no accounts, contacts, opportunities, timelines or history, and may run no other mutation.',
    },
  },
  ActivityKind: {
    description: 'What kind of activity it is.',
    values: { PHONE_CALL: 'A phone call.', EMAIL: 'An email.', TASK: 'A task to do.', APPOINTMENT: 'A meeting.' },
  },
  ActivityDirection: {
    description: 'Who started a call or an email.',
    values: { INCOMING: 'The lead did.', OUTGOING: 'We did.' },
  },
  ActivityStatus: {
    description: 'Where an activity is: logged OPEN, then COMPLETED by completeActivity.',
    values: { OPEN: 'To do (new activities are OPEN).', COMPLETED: 'Done: completedAt is set.', CANCELED: 'Will not be done; cannot be completed.' },
  },
  OpportunityState: {
    description: 'Where an opportunity is; qualifyLeads creates them OPEN.',
    values: { OPEN: 'Being worked.', WON: 'Closed with a sale.', LOST: 'Closed without a sale.' },
  },
  DuplicateHandling: {
    description: 'What qualifyLeads does when an account (same name, ignoring case and spaces) or a contact (same email) already exists.',
    values: {
      LINK_EXISTING: 'Link the existing record (the oldest when several match) instead of creating one (the default).',
      CREATE_NEW: 'Create a new record anyway.',
      FAIL: 'Do not qualify the lead: DUPLICATE_RECORD.',
    },
  },
  TimelineKind: {
    description: "What a lead's timeline may be filtered to: notes, or activities of one kind.",
    values: { NOTE: 'Notes.', PHONE_CALL: 'Phone calls.', EMAIL: 'Emails.', TASK: 'Tasks.', APPOINTMENT: 'Appointments.' },
  },
  LeadOrderField: {
    description: 'What leads are ordered by; ties are broken by id, so paging is stable.',
    values: {
      CREATED_AT: 'When the lead was created (the default, newest first with DESC).', UPDATED_AT: 'When the lead last changed.',
      TOPIC: 'Topic, ignoring case.', LAST_NAME: 'Last name, ignoring case.', COMPANY_NAME: 'Company name, ignoring case; none sorts as empty.',
      RATING: 'Rating: HOT > WARM > COLD > none.',
      NEXT_FOLLOW_UP_AT: 'nextFollowUpAt: the earliest due date of the lead\'s OPEN activities; leads with none come last in either direction.',
      LAST_ACTIVITY_AT: 'lastActivityAt: the newest note or activity; leads with none come last in either direction.',
    },
  },
  OrderDirection: {
    description: 'Ascending or descending.',
    values: { ASC: 'Smallest (or oldest, or A) first.', DESC: 'Largest (or newest, or Z) first.' },
  },
  UserErrorCode: {
    description: 'The kind of a business-rule failure. Each code means one kind of mistake, the same in every operation.',
    values: {
      VALIDATION: 'A value of the wrong form or out of its bounds (length, format, range, a blank required field), or a change the record\'s state does not allow.',
      NOT_FOUND: 'A record that does not exist or that the caller may not see (the two are not told apart).',
      FORBIDDEN: 'A record the caller may see but not change, or an owner it may not name.',
      LEAD_NOT_OPEN: 'The command needs an OPEN lead.',
      LEAD_NOT_CLOSED: 'reactivateLead needs a QUALIFIED or DISQUALIFIED lead.',
      VERSION_CONFLICT: 'expectedVersion is not the lead\'s current version: someone changed it meanwhile; reload and retry.',
      DUPLICATE_STAKEHOLDER: 'The contact is already a stakeholder of the lead.',
      DUPLICATE_RECORD: 'A record like this one exists: qualifyLeads with duplicateHandling FAIL found an existing account or contact, or createLead with duplicateCheck FAIL found a duplicate lead.',
      UNKNOWN_CURRENCY: 'A currency code that is not one of the currencies query ("XYZ", "usd", "" alike), in every operation that takes one.',
      IDEMPOTENCY_KEY_REUSED: 'The Idempotency-Key header was used before, by this caller, for a different request; nothing ran.',
      STAGE_INCOMPLETE: 'qualifyLeads with requireCompleteChecklist: the lead\'s Qualify stage (qualifyChecklist) is incomplete.',
      ACTIVITY_NOT_OPEN: 'The command needs an OPEN activity (e.g. cancelActivity on a COMPLETED or CANCELED one).',
    },
  },
  SalesStage: {
    description: "The stages of the lead-to-opportunity sales process (Dynamics' business process flow): a lead is in Qualify; qualifying it starts the opportunity in Develop.",
    values: {
      QUALIFY: 'Qualify: the lead is being qualified (the lead itself is this stage).',
      DEVELOP: 'Develop: understand the need and the solution (where qualifyLeads starts an opportunity).',
      PROPOSE: 'Propose: a proposal or quote is out.',
      CLOSE: 'Close: the deal is being closed.',
    },
  },
  DuplicateRule: {
    description: 'Why a lead is taken for a duplicate of another. Only OPEN leads the caller may read are ever matched.',
    values: {
      SAME_EMAIL: 'The same email address, ignoring case (score 1).',
      SAME_PHONE: 'The same phone number, digits only, at least 7 of them, business or mobile on either side (score 0.9).',
      SIMILAR_NAME_AND_COMPANY: 'Full names and company names both at least 0.6 alike by trigram similarity (score 0.8 times their mean similarity).',
    },
  },
  DuplicateCheck: {
    description: 'What createLead does about duplicates of the new lead among the OPEN leads the caller may read.',
    values: {
      OFF: 'No check; duplicates is empty.',
      WARN: 'Create the lead and list its duplicates in the payload (the default).',
      FAIL: 'Create nothing when there is a duplicate: DUPLICATE_RECORD, with the duplicates in the payload.',
    },
  },
  ImportMatch: {
    description: 'How importLeads looks for a lead that a row already is.',
    values: {
      EMAIL: "The row's email, ignoring case, against the OPEN leads the caller may read (the default).",
      NONE: 'No matching: every valid row creates a lead.',
    },
  },
  ImportOnMatch: {
    description: 'What importLeads does with a row that matches an existing lead.',
    values: {
      SKIP: 'Leave the lead alone; the row is SKIPPED (the default).',
      UPDATE: "Overwrite the lead's fields with the row's non-null ones; the row is UPDATED.",
      CREATE: 'Create a new lead anyway; the row is CREATED.',
    },
  },
  ImportAction: {
    description: 'What importLeads did (or, with dryRun, would do) with one row.',
    values: {
      CREATED: 'A new lead was created from the row.',
      UPDATED: "The row's non-null fields were written to the lead it matched.",
      SKIPPED: 'The row matched a lead, which was left alone.',
      FAILED: 'Nothing was written for the row; its userErrors say why.',
    },
  },
};

/** `registerEnumType`'s options for enum `name`: its description and each value's. */
export function enumDocs(name: string): { description?: string; valuesConfig?: Record<string, { description: string }> } {
  const doc = ENUM_DOCS[name];
  if (!doc) return {};
  return { description: doc.description, valuesConfig: Object.fromEntries(Object.entries(doc.values).map(([k, d]) => [k, { description: d }])) };
}
