import { validate, type ValidationError } from 'class-validator';
import { UserErrorCode } from './enums';
import { userError, type UserError } from './errors';
import { unstorable } from './text';

function flatten(errors: ValidationError[], path: string[], out: UserError[]): void {
  for (const e of errors) {
    const here = [...path, e.property];
    for (const message of Object.values(e.constraints ?? {})) {
      out.push(userError(UserErrorCode.VALIDATION, message, here));
    }
    if (e.children?.length) flatten(e.children, here, out);
  }
}

/** The strings in `value` that PostgreSQL could not store, with their paths and the reason. */
function unstorablePaths(value: unknown, path: string[], out: [string[], string][]): void {
  if (typeof value === 'string') {
    const why = unstorable(value);
    if (why) out.push([path, why]);
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => unstorablePaths(v, [...path, String(i)], out));
  } else if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    for (const [k, v] of Object.entries(value)) unstorablePaths(v, [...path, k], out);
  }
}

/**
 * Runs the class-validator rules of an input object (type-graphql has already made it an
 * instance of its class) and reports each failure as a VALIDATION userError whose `field` is
 * the input path, e.g. `["input","budget","amount"]`. Any string the database could not store
 * (a NUL, a lone surrogate) is refused the same way, whatever its field, before any other rule runs.
 */
export async function validateInput(input: object, path: string[] = ['input']): Promise<UserError[]> {
  // First, before any rule: a validator may choke on such text (class-validator's isEmail
  // calls encodeURI, which throws URIError on a lone surrogate), and no other answer matters.
  const bad: [string[], string][] = [];
  unstorablePaths(input, path, bad);
  if (bad.length) return bad.map(([p, why]) => userError(UserErrorCode.VALIDATION, `${p[p.length - 1]} ${why}`, p));
  const errors = await validate(input, { forbidUnknownValues: false, skipMissingProperties: false, stopAtFirstError: true });
  const out: UserError[] = [];
  flatten(errors, path, out);
  return out;
}
