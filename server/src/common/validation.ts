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

/**
 * Runs the class-validator rules of an input object (type-graphql has already made it an
 * instance of its class) and reports each failure as a VALIDATION userError whose `field` is
 * the input path, e.g. `["input","budget","amount"]`.
 */
export async function validateInput(input: object, path: string[] = ['input']): Promise<UserError[]> {
  const errors = await validate(input, { forbidUnknownValues: false, skipMissingProperties: false, stopAtFirstError: true });
  const out: UserError[] = [];
  flatten(errors, path, out);
  return out;
}
