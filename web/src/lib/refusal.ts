import { graphql } from "./gql";

/** What every error answer carries, and the wait of those that say "wait"; spread in each result union. */
export const RefusalFragment = graphql(`
  fragment Refusal on Error {
    code
    message
    ... on AccountLocked {
      retryAfterSeconds
    }
    ... on TooManyAttempts {
      retryAfterSeconds
    }
  }
`);

/** An answer that says "wait": `TooManyAttempts` or `AccountLocked`, with the moment it is over (ms). */
export interface Refusal {
  message: string;
  until: number;
}

/** The wait a result names, if it is a rate-limit error; null otherwise. */
export function refusalOf(result: { __typename?: string; message?: string; retryAfterSeconds?: number }, now: number): Refusal | null {
  if ((result.__typename === "TooManyAttempts" || result.__typename === "AccountLocked") && result.retryAfterSeconds !== undefined) {
    return { message: result.message ?? "Too many attempts.", until: now + result.retryAfterSeconds * 1000 };
  }
  return null;
}
