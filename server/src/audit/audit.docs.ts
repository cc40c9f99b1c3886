import type { SchemaDocs } from '../common/schema-docs';

/** The audit trail: one entry per change, written in the change's own transaction. */
export const AUDIT_DOCS: SchemaDocs = {
  'AuditEntry.id': 'The entry\'s id (opaque).',
  'AuditEntry.at': 'When the change was made.',
  'AuditEntry.changes': 'The changed fields with their old and new values.',
  'FieldChange.field': 'The changed field (or, for stakeholder and timeline entries, what the entry is about, e.g. stakeholderId).',
  'FieldChange.oldValue': 'The value before, as text: money as "12500.00 USD", enums by name, references by id; null when there was none.',
  'FieldChange.newValue': 'The value after, as text; null when there is none.',
  'Query.auditEntries(entityId:)': 'The entity whose trail to read, e.g. a (possibly deleted) lead\'s id; an id that is not one gives an empty connection.',
  'Query.auditEntries(first:)': 'Page size, 1..100 (default 25); anything else is a top-level BAD_USER_INPUT.',
  'Query.auditEntries(after:)': 'An endCursor of the same entity\'s trail: the entries after it.',
};
