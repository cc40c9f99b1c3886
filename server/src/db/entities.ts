import { Account } from '../accounts/account.entity';
import { AuditEntry } from '../audit/audit-entry.entity';
import { Contact } from '../contacts/contact.entity';
import { Currency } from '../currencies/currency.entity';
import { WebForm } from '../forms/web-form.entity';
import { Lead } from '../leads/lead.entity';
import { Opportunity } from '../opportunities/opportunity.entity';
import { Stakeholder } from '../stakeholders/stakeholder.entity';
import { Activity } from '../timeline/activity.entity';
import { Attachment } from '../timeline/attachment.entity';
import { Note } from '../timeline/note.entity';
import { ApiKey } from '../users/api-key.entity';
import { User } from '../users/user.entity';

/** Every entity, listed rather than discovered from folders so that ts and js builds agree. */
export const entities = [
  User, ApiKey, Currency, Lead, Account, Contact, Opportunity, Stakeholder, Note, Attachment, Activity, AuditEntry, WebForm,
];
