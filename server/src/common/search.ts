import { badUserInput } from './errors';
import { unstorable } from './text';

export const MAX_SEARCH_LENGTH = 100;

/** A trimmed search term with its white space folded, or null for none; longer than 100 characters is BAD_USER_INPUT. */
export function searchTerm(search: string | null | undefined, argument = 'search'): string | null {
  if (search == null || search.trim() === '') return null;
  if (search.length > MAX_SEARCH_LENGTH) throw badUserInput(`"${argument}" may be at most ${MAX_SEARCH_LENGTH} characters`, argument);
  const why = unstorable(search);
  if (why) throw badUserInput(`"${argument}" ${why}`, argument);
  // Runs of white space match one space, as in the stored search text.
  return search.trim().replace(/\s+/g, ' ');
}
