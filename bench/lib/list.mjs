// The list view every target answers, in each one's own form, and the check that they agree.
import { isDeepStrictEqual } from 'node:util';

/** The service's form: the first page of leads, newest first, with owner and stakeholders. */
export const SERVICE_QUERY = 'query { leads(first: 50) { edges { node { id topic companyName owner { name } '
  + 'stakeholders { role contact { fullName email account { name } } } } } } }';

/**
 * The same in PostGraphile's generated schema: rowId is the table's id (its `id` is the global
 * Node id), relations are named after their foreign keys, and fullName is the computed column
 * contact_full_name(contact). The orders are the service's: leads by created_at desc, id desc;
 * stakeholders oldest first by created_at, id.
 */
export const PEER_QUERY = 'query { allLeads(first: 50, orderBy: [CREATED_AT_DESC, ROW_ID_DESC]) { nodes { rowId topic companyName '
  + 'appUserByOwnerId { name } stakeholdersByLeadId(orderBy: [CREATED_AT_ASC, ROW_ID_ASC]) { nodes { role '
  + 'contactByContactId { fullName email accountByAccountId { name } } } } } } }';

/** Contact.fullName of the service as a computed column PostGraphile exposes (bench database only). */
export const PEER_FULL_NAME_SQL = `create function contact_full_name(c contact) returns text language sql stable as $$
  select concat_ws(' ', nullif(c.first_name, ''), nullif(c.last_name, '')) $$`;

/** The paths at which two JSON values differ, with both values (at most `max`). */
export function differences(a, b, max = 8, at = '', out = []) {
  if (out.length >= max) return out;
  if (a && b && typeof a === 'object' && typeof b === 'object' && Array.isArray(a) === Array.isArray(b)) {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) differences(a[k], b[k], max, `${at}.${k}`, out);
  } else if (!isDeepStrictEqual(a, b)) {
    out.push(`${at || '.'}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
  }
  return out;
}

/** Each target's answer as the service's list of nodes, or an Error saying what is wrong with it. */
export function nodesOf(target, body) {
  let json;
  try {
    json = JSON.parse(body);
  } catch {
    return new Error(`${target}: not JSON: ${body.slice(0, 300)}`);
  }
  if (json.errors) return new Error(`${target}: errors: ${JSON.stringify(json.errors).slice(0, 500)}`);
  if (target === 'peer') {
    const nodes = json.data?.allLeads?.nodes;
    if (!Array.isArray(nodes)) return new Error(`peer: unexpected answer ${body.slice(0, 300)}`);
    return nodes.map((n) => ({
      id: n.rowId, topic: n.topic, companyName: n.companyName, owner: n.appUserByOwnerId && { name: n.appUserByOwnerId.name },
      stakeholders: n.stakeholdersByLeadId.nodes.map((s) => ({
        role: s.role,
        contact: {
          fullName: s.contactByContactId.fullName, email: s.contactByContactId.email,
          account: s.contactByContactId.accountByAccountId && { name: s.contactByContactId.accountByAccountId.name },
        },
      })),
    }));
  }
  const edges = json.data?.leads?.edges;
  if (!Array.isArray(edges)) return new Error(`${target}: unexpected answer ${body.slice(0, 300)}`);
  return edges.map((e) => e.node);
}

/** Throws unless every target answered the same 50 leads, in the same order, with the same values. */
export function checkAgreement(answers) {
  const [first, ...rest] = Object.entries(answers);
  const reference = nodesOf(first[0], first[1]);
  if (reference instanceof Error) throw reference;
  if (reference.length !== 50) throw new Error(`${first[0]} answered ${reference.length} leads, not 50`);
  const stakeholders = reference.reduce((n, l) => n + l.stakeholders.length, 0);
  if (stakeholders !== 100) throw new Error(`${first[0]} answered ${stakeholders} stakeholders, not 100`);
  for (const [target, body] of rest) {
    const nodes = nodesOf(target, body);
    if (nodes instanceof Error) throw nodes;
    for (let i = 0; i < Math.max(nodes.length, reference.length); i++) {
      if (!isDeepStrictEqual(nodes[i], reference[i])) {
        throw new Error(`${target} and ${first[0]} disagree at lead ${i} (${target} vs ${first[0]}):\n  `
          + differences(nodes[i], reference[i]).join('\n  '));
      }
    }
  }
  return { leads: reference.length, stakeholders };
}
