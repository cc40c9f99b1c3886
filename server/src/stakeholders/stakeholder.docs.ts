import type { SchemaDocs } from '../common/schema-docs';

/** Stakeholders: contacts connected to a lead (or copied to its opportunity) with a role. */
export const STAKEHOLDER_DOCS: SchemaDocs = {
  'Stakeholder.id': 'The stakeholder\'s id (opaque); updateStakeholderRole and removeStakeholder take it.',
  'Stakeholder.contact': 'The person.',
  'Stakeholder.role': 'The part the person plays in the purchase.',
  'Stakeholder.createdAt': 'When the contact was connected (a copy on an opportunity keeps the original\'s time).',
  'AddStakeholderInput.leadId': 'An OPEN lead the caller may write (ADMIN, MANAGER: any; SALESPERSON: its own).',
  AddStakeholderPayload: 'What addStakeholder returns: the stakeholder and the lead, or userErrors and neither.',
  'AddStakeholderPayload.stakeholder': 'The new stakeholder; null when there are userErrors.',
  'AddStakeholderPayload.lead': 'The lead, with its version raised; null when there are userErrors.',
  UpdateStakeholderRoleInput: 'A stakeholder of an OPEN lead and its new role.',
  'UpdateStakeholderRoleInput.stakeholderId': 'A stakeholder of an OPEN lead the caller may write (not a copy on an opportunity).',
  'UpdateStakeholderRoleInput.role': 'The new role; the same role changes nothing.',
  UpdateStakeholderRolePayload: 'What updateStakeholderRole returns: the stakeholder, or userErrors and none.',
  'UpdateStakeholderRolePayload.stakeholder': 'The stakeholder with its role; null when there are userErrors.',
  RemoveStakeholderInput: 'The stakeholder to disconnect.',
  'RemoveStakeholderInput.stakeholderId': 'A stakeholder of an OPEN lead the caller may write; the contact itself stays.',
  RemoveStakeholderPayload: 'What removeStakeholder returns: the removed stakeholder\'s id, or userErrors.',
  'RemoveStakeholderPayload.removedStakeholderId': 'The id of the removed stakeholder; null when there are userErrors.',
  'Mutation.addStakeholder(input:)': 'The lead, the contact (existing or new) and the role.',
  'Mutation.updateStakeholderRole(input:)': 'The stakeholder and its new role.',
  'Mutation.removeStakeholder(input:)': 'The stakeholder.',
};
