import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { dataStatements, startTestServer, type TestServer, type TestUser } from './support/server';

/**
 * The access policy, proven over HTTP against a model of it written here, independently of the
 * service's own code: generated callers of every role run reads and writes on leads they own,
 * leads others own, leads partners created and leads that do not exist, and each answer must
 * be exactly what the model allows. A read the caller may not make must look like a missing
 * record.
 */
let s: TestServer;
beforeAll(async () => { s = await startTestServer(); });
afterAll(async () => { await s?.stop(); });

type Name = 'admin' | 'manager' | 'sales' | 'sales2' | 'partner' | 'partner2';
const NAMES: Name[] = ['admin', 'manager', 'sales', 'sales2', 'partner', 'partner2'];
const STAFF: Name[] = ['admin', 'manager', 'sales', 'sales2'];

interface ModelLead { id: string; owner: Name; createdBy: Name }

/** The policy as the service documents it. */
const model = {
  isPartner: (a: Name) => a === 'partner' || a === 'partner2',
  canRead: (a: Name, l: ModelLead) => !model.isPartner(a) || l.createdBy === a,
  canWrite: (a: Name, l: ModelLead) => a === 'admin' || a === 'manager' || ((a === 'sales' || a === 'sales2') && l.owner === a),
};

const user = (n: Name): TestUser => s.users[n];

let leads: ModelLead[];
beforeAll(async () => {
  const combos: [Name, Name][] = [
    ['sales', 'sales'], ['sales2', 'sales2'], ['manager', 'manager'],
    ['partner', 'partner'], ['sales', 'partner'], ['partner2', 'partner2'], ['sales2', 'partner2'],
  ];
  leads = combos.map(([owner, createdBy]) => ({ id: randomUUID(), owner, createdBy }));
  for (const l of leads) {
    await s.db.query(`insert into lead (id, topic, last_name, owner_id, created_by_id, created_at, updated_at)
      values ($1, 'Policy', 'Lead', $2, $3, now(), now())`, [l.id, user(l.owner).id, user(l.createdBy).id]);
  }
});

const READ = `query($id: ID!) { lead(id: $id) { id owner { id name email }
  stakeholders { id } timeline { totalCount } history { totalCount } account { id } } }`;
const UPDATE = 'mutation($id: ID!) { updateLead(input: { id: $id, description: "checked" }) { lead { id } userErrors { code } } }';
const NOTE = 'mutation($id: ID!) { addNote(input: { leadId: $id, text: "checked" }) { note { id } userErrors { code } } }';
const STATUS = 'mutation($id: ID!, $to: LeadStatusReason!) { setLeadStatus(input: { id: $id, statusReason: $to }) { lead { id } userErrors { code } } }';
const ASSIGN = 'mutation($id: ID!, $to: ID!) { assignLeads(input: { leadIds: [$id], ownerId: $to }) { leads { id } userErrors { code } } }';

type Op = { kind: 'read' | 'update' | 'note' } | { kind: 'assign'; to: Name } | { kind: 'status'; to: 'NEW' | 'CONTACTED' };
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.constant<Op>({ kind: 'read' }), fc.constant<Op>({ kind: 'update' }), fc.constant<Op>({ kind: 'note' }),
  fc.constantFrom<'NEW' | 'CONTACTED'>('NEW', 'CONTACTED').map((to): Op => ({ kind: 'status', to })),
  fc.constantFrom(...STAFF).map((to): Op => ({ kind: 'assign', to })),
);

/** A mutation's outcome: top-level FORBIDDEN, a userError code, or OK. */
function outcome(res: { data?: any; errors?: any[] }, field: string): string {
  if (res.errors) return `top:${res.errors[0].extensions?.code}`;
  const payload = res.data[field];
  return payload.userErrors.length ? payload.userErrors[0].code : 'OK';
}

test('every role, on its own, others\' and missing leads, gets exactly what the policy allows (500 cases)', async () => {
  const missingRead = new Map<Name, unknown>();
  for (const a of NAMES) missingRead.set(a, await s.gql(READ, { id: randomUUID() }, { as: user(a) }).then((r) => ({ data: r.data, errors: r.errors })));

  await fc.assert(fc.asyncProperty(
    fc.constantFrom(...NAMES), fc.integer({ min: 0, max: 7 }), opArb,
    async (actor, index, op) => {
      const lead = leads[index];
      const id = lead?.id ?? randomUUID();
      const as = user(actor);
      const readable = lead !== undefined && model.canRead(actor, lead);
      const writable = lead !== undefined && model.canWrite(actor, lead);

      if (op.kind === 'read') {
        const res = await s.gql(READ, { id }, { as });
        if (!readable) {
          expect({ data: res.data, errors: res.errors }).toEqual(missingRead.get(actor));
          return;
        }
        expect(res.errors).toBeUndefined();
        const got = res.data.lead;
        expect(got.id).toBe(id);
        expect(got.owner.id).toBe(user(lead.owner).id);
        const ownEmail = `${lead.owner}@test.example`;
        expect(got.owner.email).toBe(model.isPartner(actor) && lead.owner !== actor ? '' : ownEmail);
        if (model.isPartner(actor)) {
          expect([got.stakeholders, got.timeline.totalCount, got.history.totalCount, got.account]).toEqual([[], 0, 0, null]);
        }
        return;
      }

      const expected = model.isPartner(actor) ? 'top:FORBIDDEN' : !lead ? 'NOT_FOUND' : !writable ? 'FORBIDDEN' : 'OK';
      if (op.kind === 'update') {
        expect(outcome(await s.gql(UPDATE, { id }, { as }), 'updateLead')).toBe(expected);
      } else if (op.kind === 'note') {
        expect(outcome(await s.gql(NOTE, { id }, { as }), 'addNote')).toBe(expected);
      } else if (op.kind === 'status') {
        expect(outcome(await s.gql(STATUS, { id, to: op.to }, { as }), 'setLeadStatus')).toBe(expected);
      } else if (op.kind === 'assign') {
        expect(outcome(await s.gql(ASSIGN, { id, to: user(op.to).id }, { as }), 'assignLeads')).toBe(expected);
        if (expected === 'OK') lead.owner = op.to;
      }
      const row = lead && (await s.db.query('select owner_id from lead where id = $1', [lead.id])).rows[0];
      if (lead) expect(row.owner_id).toBe(user(lead.owner).id);
    },
  ), { numRuns: 500 });
});

test("a PARTNER sees the owner of a lead it created by name, not by email, when someone else owns it", async () => {
  const created = await s.gql('mutation { createLead(input: { topic: "Via partner", lastName: "P" }) { lead { id } } }', {}, { as: s.users.partner });
  const id = created.data.createLead.lead.id;
  const assigned = await s.gql(ASSIGN, { id, to: s.users.sales.id }, { as: s.users.manager });
  expect(assigned.data.assignLeads.userErrors).toEqual([]);
  s.resetSql();
  const seen = await s.gql('query($id: ID!) { lead(id: $id) { owner { id name email role } } }', { id }, { as: s.users.partner });
  expect(seen.data.lead.owner).toEqual({ id: s.users.sales.id, name: 'sales', email: '', role: 'SALESPERSON' });
  expect(dataStatements(s.sql).length).toBeGreaterThan(0);
  const listed = await s.gql('{ leads(first: 100) { nodes { id owner { email } } } }', {}, { as: s.users.partner });
  expect(listed.data.leads.nodes.find((n: any) => n.id === id).owner.email).toBe('');
  const byManager = await s.gql('query($id: ID!) { lead(id: $id) { owner { email } } }', { id }, { as: s.users.manager });
  expect(byManager.data.lead.owner.email).toBe('sales@test.example');
});
