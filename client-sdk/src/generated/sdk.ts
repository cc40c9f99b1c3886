import type { DocumentNode } from 'graphql';
import * as Operations from './graphql.js';







































export type Requester<C = {}> = <R, V>(doc: DocumentNode, vars?: V, options?: C) => Promise<R> | AsyncIterable<R>
export function getSdk<C>(requester: Requester<C>) {
  return {
    account(variables: Operations.AccountQueryVariables, options?: C): Promise<Operations.AccountQuery> {
      return requester<Operations.AccountQuery, Operations.AccountQueryVariables>(Operations.AccountDocument, variables, options) as Promise<Operations.AccountQuery>;
    },
    accounts(variables?: Operations.AccountsQueryVariables, options?: C): Promise<Operations.AccountsQuery> {
      return requester<Operations.AccountsQuery, Operations.AccountsQueryVariables>(Operations.AccountsDocument, variables, options) as Promise<Operations.AccountsQuery>;
    },
    contact(variables: Operations.ContactQueryVariables, options?: C): Promise<Operations.ContactQuery> {
      return requester<Operations.ContactQuery, Operations.ContactQueryVariables>(Operations.ContactDocument, variables, options) as Promise<Operations.ContactQuery>;
    },
    contacts(variables?: Operations.ContactsQueryVariables, options?: C): Promise<Operations.ContactsQuery> {
      return requester<Operations.ContactsQuery, Operations.ContactsQueryVariables>(Operations.ContactsDocument, variables, options) as Promise<Operations.ContactsQuery>;
    },
    createContact(variables: Operations.CreateContactMutationVariables, options?: C): Promise<Operations.CreateContactMutation> {
      return requester<Operations.CreateContactMutation, Operations.CreateContactMutationVariables>(Operations.CreateContactDocument, variables, options) as Promise<Operations.CreateContactMutation>;
    },
    currencies(variables?: Operations.CurrenciesQueryVariables, options?: C): Promise<Operations.CurrenciesQuery> {
      return requester<Operations.CurrenciesQuery, Operations.CurrenciesQueryVariables>(Operations.CurrenciesDocument, variables, options) as Promise<Operations.CurrenciesQuery>;
    },
    leadDuplicates(variables: Operations.LeadDuplicatesQueryVariables, options?: C): Promise<Operations.LeadDuplicatesQuery> {
      return requester<Operations.LeadDuplicatesQuery, Operations.LeadDuplicatesQueryVariables>(Operations.LeadDuplicatesDocument, variables, options) as Promise<Operations.LeadDuplicatesQuery>;
    },
    findDuplicateLeads(variables: Operations.FindDuplicateLeadsQueryVariables, options?: C): Promise<Operations.FindDuplicateLeadsQuery> {
      return requester<Operations.FindDuplicateLeadsQuery, Operations.FindDuplicateLeadsQueryVariables>(Operations.FindDuplicateLeadsDocument, variables, options) as Promise<Operations.FindDuplicateLeadsQuery>;
    },
    leadHistory(variables: Operations.LeadHistoryQueryVariables, options?: C): Promise<Operations.LeadHistoryQuery> {
      return requester<Operations.LeadHistoryQuery, Operations.LeadHistoryQueryVariables>(Operations.LeadHistoryDocument, variables, options) as Promise<Operations.LeadHistoryQuery>;
    },
    auditEntries(variables: Operations.AuditEntriesQueryVariables, options?: C): Promise<Operations.AuditEntriesQuery> {
      return requester<Operations.AuditEntriesQuery, Operations.AuditEntriesQueryVariables>(Operations.AuditEntriesDocument, variables, options) as Promise<Operations.AuditEntriesQuery>;
    },
    importLeads(variables: Operations.ImportLeadsMutationVariables, options?: C): Promise<Operations.ImportLeadsMutation> {
      return requester<Operations.ImportLeadsMutation, Operations.ImportLeadsMutationVariables>(Operations.ImportLeadsDocument, variables, options) as Promise<Operations.ImportLeadsMutation>;
    },
    me(variables?: Operations.MeQueryVariables, options?: C): Promise<Operations.MeQuery> {
      return requester<Operations.MeQuery, Operations.MeQueryVariables>(Operations.MeDocument, variables, options) as Promise<Operations.MeQuery>;
    },
    lead(variables: Operations.LeadQueryVariables, options?: C): Promise<Operations.LeadQuery> {
      return requester<Operations.LeadQuery, Operations.LeadQueryVariables>(Operations.LeadDocument, variables, options) as Promise<Operations.LeadQuery>;
    },
    leads(variables?: Operations.LeadsQueryVariables, options?: C): Promise<Operations.LeadsQuery> {
      return requester<Operations.LeadsQuery, Operations.LeadsQueryVariables>(Operations.LeadsDocument, variables, options) as Promise<Operations.LeadsQuery>;
    },
    createLead(variables: Operations.CreateLeadMutationVariables, options?: C): Promise<Operations.CreateLeadMutation> {
      return requester<Operations.CreateLeadMutation, Operations.CreateLeadMutationVariables>(Operations.CreateLeadDocument, variables, options) as Promise<Operations.CreateLeadMutation>;
    },
    updateLead(variables: Operations.UpdateLeadMutationVariables, options?: C): Promise<Operations.UpdateLeadMutation> {
      return requester<Operations.UpdateLeadMutation, Operations.UpdateLeadMutationVariables>(Operations.UpdateLeadDocument, variables, options) as Promise<Operations.UpdateLeadMutation>;
    },
    assignLeads(variables: Operations.AssignLeadsMutationVariables, options?: C): Promise<Operations.AssignLeadsMutation> {
      return requester<Operations.AssignLeadsMutation, Operations.AssignLeadsMutationVariables>(Operations.AssignLeadsDocument, variables, options) as Promise<Operations.AssignLeadsMutation>;
    },
    setLeadStatus(variables: Operations.SetLeadStatusMutationVariables, options?: C): Promise<Operations.SetLeadStatusMutation> {
      return requester<Operations.SetLeadStatusMutation, Operations.SetLeadStatusMutationVariables>(Operations.SetLeadStatusDocument, variables, options) as Promise<Operations.SetLeadStatusMutation>;
    },
    users(variables?: Operations.UsersQueryVariables, options?: C): Promise<Operations.UsersQuery> {
      return requester<Operations.UsersQuery, Operations.UsersQueryVariables>(Operations.UsersDocument, variables, options) as Promise<Operations.UsersQuery>;
    },
    qualifyLeads(variables: Operations.QualifyLeadsMutationVariables, options?: C): Promise<Operations.QualifyLeadsMutation> {
      return requester<Operations.QualifyLeadsMutation, Operations.QualifyLeadsMutationVariables>(Operations.QualifyLeadsDocument, variables, options) as Promise<Operations.QualifyLeadsMutation>;
    },
    disqualifyLead(variables: Operations.DisqualifyLeadMutationVariables, options?: C): Promise<Operations.DisqualifyLeadMutation> {
      return requester<Operations.DisqualifyLeadMutation, Operations.DisqualifyLeadMutationVariables>(Operations.DisqualifyLeadDocument, variables, options) as Promise<Operations.DisqualifyLeadMutation>;
    },
    reactivateLead(variables: Operations.ReactivateLeadMutationVariables, options?: C): Promise<Operations.ReactivateLeadMutation> {
      return requester<Operations.ReactivateLeadMutation, Operations.ReactivateLeadMutationVariables>(Operations.ReactivateLeadDocument, variables, options) as Promise<Operations.ReactivateLeadMutation>;
    },
    deleteLead(variables: Operations.DeleteLeadMutationVariables, options?: C): Promise<Operations.DeleteLeadMutation> {
      return requester<Operations.DeleteLeadMutation, Operations.DeleteLeadMutationVariables>(Operations.DeleteLeadDocument, variables, options) as Promise<Operations.DeleteLeadMutation>;
    },
    mergeLeads(variables: Operations.MergeLeadsMutationVariables, options?: C): Promise<Operations.MergeLeadsMutation> {
      return requester<Operations.MergeLeadsMutation, Operations.MergeLeadsMutationVariables>(Operations.MergeLeadsDocument, variables, options) as Promise<Operations.MergeLeadsMutation>;
    },
    opportunity(variables: Operations.OpportunityQueryVariables, options?: C): Promise<Operations.OpportunityQuery> {
      return requester<Operations.OpportunityQuery, Operations.OpportunityQueryVariables>(Operations.OpportunityDocument, variables, options) as Promise<Operations.OpportunityQuery>;
    },
    opportunities(variables?: Operations.OpportunitiesQueryVariables, options?: C): Promise<Operations.OpportunitiesQuery> {
      return requester<Operations.OpportunitiesQuery, Operations.OpportunitiesQueryVariables>(Operations.OpportunitiesDocument, variables, options) as Promise<Operations.OpportunitiesQuery>;
    },
    addStakeholder(variables: Operations.AddStakeholderMutationVariables, options?: C): Promise<Operations.AddStakeholderMutation> {
      return requester<Operations.AddStakeholderMutation, Operations.AddStakeholderMutationVariables>(Operations.AddStakeholderDocument, variables, options) as Promise<Operations.AddStakeholderMutation>;
    },
    updateStakeholderRole(variables: Operations.UpdateStakeholderRoleMutationVariables, options?: C): Promise<Operations.UpdateStakeholderRoleMutation> {
      return requester<Operations.UpdateStakeholderRoleMutation, Operations.UpdateStakeholderRoleMutationVariables>(Operations.UpdateStakeholderRoleDocument, variables, options) as Promise<Operations.UpdateStakeholderRoleMutation>;
    },
    removeStakeholder(variables: Operations.RemoveStakeholderMutationVariables, options?: C): Promise<Operations.RemoveStakeholderMutation> {
      return requester<Operations.RemoveStakeholderMutation, Operations.RemoveStakeholderMutationVariables>(Operations.RemoveStakeholderDocument, variables, options) as Promise<Operations.RemoveStakeholderMutation>;
    },
    note(variables: Operations.NoteQueryVariables, options?: C): Promise<Operations.NoteQuery> {
      return requester<Operations.NoteQuery, Operations.NoteQueryVariables>(Operations.NoteDocument, variables, options) as Promise<Operations.NoteQuery>;
    },
    noteAttachmentContent(variables: Operations.NoteAttachmentContentQueryVariables, options?: C): Promise<Operations.NoteAttachmentContentQuery> {
      return requester<Operations.NoteAttachmentContentQuery, Operations.NoteAttachmentContentQueryVariables>(Operations.NoteAttachmentContentDocument, variables, options) as Promise<Operations.NoteAttachmentContentQuery>;
    },
    leadTimeline(variables: Operations.LeadTimelineQueryVariables, options?: C): Promise<Operations.LeadTimelineQuery> {
      return requester<Operations.LeadTimelineQuery, Operations.LeadTimelineQueryVariables>(Operations.LeadTimelineDocument, variables, options) as Promise<Operations.LeadTimelineQuery>;
    },
    addNote(variables: Operations.AddNoteMutationVariables, options?: C): Promise<Operations.AddNoteMutation> {
      return requester<Operations.AddNoteMutation, Operations.AddNoteMutationVariables>(Operations.AddNoteDocument, variables, options) as Promise<Operations.AddNoteMutation>;
    },
    logActivity(variables: Operations.LogActivityMutationVariables, options?: C): Promise<Operations.LogActivityMutation> {
      return requester<Operations.LogActivityMutation, Operations.LogActivityMutationVariables>(Operations.LogActivityDocument, variables, options) as Promise<Operations.LogActivityMutation>;
    },
    completeActivity(variables: Operations.CompleteActivityMutationVariables, options?: C): Promise<Operations.CompleteActivityMutation> {
      return requester<Operations.CompleteActivityMutation, Operations.CompleteActivityMutationVariables>(Operations.CompleteActivityDocument, variables, options) as Promise<Operations.CompleteActivityMutation>;
    },
    updateNote(variables: Operations.UpdateNoteMutationVariables, options?: C): Promise<Operations.UpdateNoteMutation> {
      return requester<Operations.UpdateNoteMutation, Operations.UpdateNoteMutationVariables>(Operations.UpdateNoteDocument, variables, options) as Promise<Operations.UpdateNoteMutation>;
    },
    deleteNote(variables: Operations.DeleteNoteMutationVariables, options?: C): Promise<Operations.DeleteNoteMutation> {
      return requester<Operations.DeleteNoteMutation, Operations.DeleteNoteMutationVariables>(Operations.DeleteNoteDocument, variables, options) as Promise<Operations.DeleteNoteMutation>;
    },
    cancelActivity(variables: Operations.CancelActivityMutationVariables, options?: C): Promise<Operations.CancelActivityMutation> {
      return requester<Operations.CancelActivityMutation, Operations.CancelActivityMutationVariables>(Operations.CancelActivityDocument, variables, options) as Promise<Operations.CancelActivityMutation>;
    }
  };
}
export type Sdk = ReturnType<typeof getSdk>;