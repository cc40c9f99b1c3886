import type { SchemaDocs } from '../common/schema-docs';

/** Contacts: people. Staff read them all; to a PARTNER there are none. */
export const CONTACT_DOCS: SchemaDocs = {
  'Contact.id': 'The contact\'s id (opaque).',
  'Contact.firstName': 'First name, at most 50 characters.',
  'Contact.lastName': 'Last name, 1..50 characters.',
  'Contact.email': 'Email address; qualifying matches contacts on it, ignoring case.',
  'Contact.jobTitle': 'Job title.',
  'Contact.businessPhone': 'Business phone.',
  'Contact.mobilePhone': 'Mobile phone.',
  'Contact.account': 'The account the person works for, if known.',
  'Contact.originatingLead': 'The lead whose qualification created or first linked this contact; null once that lead is deleted.',
  'Contact.createdAt': 'When the contact was created.',
  'CreateContactInput.firstName': 'First name, at most 50 characters.',
  'CreateContactInput.email': 'A well-formed email address, at most 100 characters.',
  'CreateContactInput.jobTitle': 'Job title, at most 100 characters.',
  'CreateContactInput.businessPhone': 'Digits with the usual punctuation and an optional extension, at most 50 characters.',
  'CreateContactInput.accountId': 'An existing account the person works for; NOT_FOUND when there is none.',
  CreateContactPayload: 'What createContact returns: the contact, or userErrors and no contact.',
  'CreateContactPayload.contact': 'The new contact; null when there are userErrors.',
  'Query.contact(id:)': 'The contact\'s id; an id that is not one gives null.',
  'Query.contacts(first:)': 'Page size, 1..100 (default 25); anything else is a top-level BAD_USER_INPUT.',
  'Query.contacts(after:)': 'An endCursor of the same search: the contacts after it.',
  'Query.contacts(search:)': 'Case-insensitive substring of the name or email, at most 100 characters; absent means all.',
  'Mutation.createContact(input:)': 'The new contact\'s fields: lastName is required.',
};
