import { registerDecorator, type ValidationOptions } from 'class-validator';

/** The string has a non-white-space character (null and undefined fail as well). */
export function IsNotBlank(options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isNotBlank', target: target.constructor, propertyName, options,
      validator: {
        // Zero-width characters count as blank too: a topic of U+200B shows nothing.
        validate: (v: unknown) => typeof v === 'string' && v.replace(/[\s\u200B-\u200D\u2060\uFEFF]/g, '').length > 0,
        defaultMessage: (a) => `${a?.property} must not be blank`,
      },
    });
}

export const MAX_MONEY = 1_000_000_000_000n;

/** A money amount: a decimal string with at most 2 fraction digits, from 0 to 1e12. */
export function IsMoneyAmount(options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isMoneyAmount', target: target.constructor, propertyName, options,
      validator: {
        validate: (v: unknown) => {
          if (typeof v !== 'string') return false;
          const m = /^\+?(\d+)(?:\.(\d{1,2}))?$/.exec(v.trim());
          if (!m) return false;
          const cents = BigInt(m[1]) * 100n + BigInt((m[2] ?? '').padEnd(2, '0') || '0');
          return cents <= MAX_MONEY * 100n;
        },
        defaultMessage: (a) => `${a?.property} must be a decimal string from 0 to 1000000000000 with at most 2 fraction digits`,
      },
    });
}

/** Phone numbers: digits with the usual punctuation, an optional leading + and extension. */
export const PHONE = /^\+?[0-9 ().\-/]{3,40}(\s*(x|ext\.?)\s*\d{1,6})?$/i;
