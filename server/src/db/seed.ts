import type { MikroORM } from '@mikro-orm/postgresql';
import {
  BudgetStatus, Industry, LeadRating, LeadSource, PreferredContactMethod, PurchaseTimeframe, Role,
} from '../common/enums';
import { CreateLeadInput } from '../leads/lead.inputs';
import { LeadService } from '../leads/lead.service';
import { User } from '../users/user.entity';
import { UserService } from '../users/user.service';

const DEMO_LEADS: Partial<CreateLeadInput>[] = [
  { topic: 'Coffee machines for 40 branches', firstName: 'Nancy', lastName: 'Davolio', companyName: 'Contoso Coffee',
    email: 'nancy@contoso.example', jobTitle: 'Purchasing Manager', industry: Industry.EATING_DRINKING_PLACES,
    source: LeadSource.TRADE_SHOW, rating: LeadRating.HOT, budget: { amount: '125000.00', currencyCode: 'USD' },
    purchaseTimeframe: PurchaseTimeframe.THIS_QUARTER, budgetStatus: BudgetStatus.CAN_BUY,
    preferredContactMethod: PreferredContactMethod.EMAIL },
  { topic: 'Fleet telematics pilot', firstName: 'Andrew', lastName: 'Fuller', companyName: 'Fabrikam Logistics',
    email: 'andrew.fuller@fabrikam.example', industry: Industry.TRANSPORTATION, source: LeadSource.WEB,
    rating: LeadRating.WARM, budget: { amount: '48000.00', currencyCode: 'EUR' } },
  { topic: 'Office fit-out enquiry', firstName: 'Janet', lastName: 'Leverling', companyName: 'Northwind Traders',
    email: 'janet@northwind.example', source: LeadSource.EMPLOYEE_REFERRAL, rating: LeadRating.COLD },
  { topic: 'Annual maintenance contract', lastName: 'Peacock', firstName: 'Margaret', companyName: 'Adventure Works',
    businessPhone: '+1 425 555 0100', industry: Industry.DURABLE_MANUFACTURING, source: LeadSource.PARTNER },
  { topic: 'Website redesign', firstName: 'Steven', lastName: 'Buchanan', companyName: 'Tailspin Toys',
    website: 'https://tailspintoys.example', source: LeadSource.ADVERTISEMENT, rating: LeadRating.WARM,
    budget: { amount: '15000.00', currencyCode: 'GBP' } },
];

/**
 * On a fresh embedded database: an admin user and a few demo leads, so that Sandbox has
 * something to show. Returns the admin's API key, or null when the database already had users.
 */
export async function seedFirstStart(orm: MikroORM): Promise<string | null> {
  const em = orm.em.fork();
  if ((await em.count(User, {})) > 0) return null;
  const admin = await new UserService(em).createUser({ name: 'Admin', email: 'admin@leads.local', role: Role.ADMIN });
  const actor = await em.findOneOrFail(User, admin.id);
  const leads = new LeadService(em, actor);
  for (const data of DEMO_LEADS) {
    const result = await leads.createLead(Object.assign(new CreateLeadInput(), data));
    if (result.userErrors.length) throw new Error(`demo lead rejected: ${JSON.stringify(result.userErrors)}`);
  }
  return admin.apiKey;
}
