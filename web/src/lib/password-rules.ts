// The password rules the server applies, checked as the user types. Pure, so it is table-tested.

import { graphql } from "./gql";

/** The policy as `passwordPolicy` reports it. */
export interface PasswordRules {
  minLength: number;
  maxLength: number;
}

/** Length as the server counts it: Unicode code points after NFKC normalisation. */
export function passwordLength(password: string): number {
  // Code points, not graphemes: the server counts them so, and the form must agree with it.
  // eslint-disable-next-line @typescript-eslint/no-misused-spread
  return [...password.normalize("NFKC")].length;
}

/** The one rule `password` breaks, in words for the form, or null when it passes. */
export function passwordProblem(password: string, rules: PasswordRules): string | null {
  const length = passwordLength(password);
  if (length < rules.minLength) return `At least ${rules.minLength} characters (now ${length}).`;
  if (length > rules.maxLength) return `At most ${rules.maxLength} characters (now ${length}).`;
  return null;
}

export const PasswordPolicyQuery = graphql(`
  query PasswordPolicy {
    passwordPolicy {
      minLength
      maxLength
      historySize
    }
  }
`);
