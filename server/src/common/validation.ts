import { validate, type ValidationError } from 'class-validator';
import { UserErrorCode } from './enums';
import { userError, type UserError } from './errors';

function flatten(errors: ValidationError[], path: string[], out: UserError[]): void {
  for (const e of errors) {
    const here = [...path, e.property];
    for (const message of Object.values(e.constraints ?? {})) {
      out.push(userError(UserErrorCode.VALIDATION, message, here));
    }
    if (e.children?.length) flatten(e.children, here, out);
  }
}

/** Paths of the strings in `value` that hold a NUL character, which PostgreSQL text cannot store. */
function nulPaths(value: unknown, path: string[], out: string[][]): void {
  if (typeof value === 'string') {
    if (value.includes('\u0000')) out.push(path);
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => nulPaths(v, [...path, String(i)], out));
  } else if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    for (const [k, v] of Object.entries(value)) nulPaths(v, [...path, k], out);
  }
}

/**
 * Runs the class-validator rules of an input object (type-graphql has already made it an
 * instance of its class) and reports each failure as a VALIDATION userError whose `field` is
 * the input path, e.g. `["input","budget","amount"]`. Any string holding a NUL character is
 * refused the same way, whatever its field: the database could not store it.
 */
export async function validateInput(input: object, path: string[] = ['input']): Promise<UserError[]> {
  const errors = await validate(input, { forbidUnknownValues: false, skipMissingProperties: false, stopAtFirstError: true });
  const out: UserError[] = [];
  flatten(errors, path, out);
  const nul: string[][] = [];
  nulPaths(input, path, nul);
  for (const p of nul) {
    if (!out.some((e) => e.field?.join('.') === p.join('.'))) {
      out.push(userError(UserErrorCode.VALIDATION, `${p[p.length - 1]} must not contain NUL characters`, p));
    }
  }
  return out;
}
