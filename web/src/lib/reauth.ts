/** Recent authentication: when the page must ask for the password (or a code) before a gated action. */

/** The error member the server answers when the session's recent-authentication window is closed. */
export const REAUTH_REQUIRED = "ReauthenticationRequired";

/** Whether a mutation's result asks for `reauthenticate` first. */
export function asksForReauth(result: { __typename?: string } | null | undefined): boolean {
  return result?.__typename === REAUTH_REQUIRED;
}

/**
 * Whether the window is known to be closed at `now` (ms), from the current session's
 * `reauthenticationExpiresAt`: `undefined` (not loaded yet) lets the server decide, `null` (never opened) is closed.
 * A few seconds of margin, so the action does not reach the server just as the window closes.
 */
export function windowClosed(expiresAt: string | null | undefined, now: number, marginMs = 5_000): boolean {
  if (expiresAt === undefined) return false;
  if (expiresAt === null) return true;
  const until = Date.parse(expiresAt);
  return Number.isNaN(until) || until - marginMs <= now;
}

/** The `reauthenticate` input for what the person typed: the password, or a two-factor code. */
export function reauthInput(secret: string, kind: "password" | "code"): { password: string } | { code: string } {
  return kind === "password" ? { password: secret } : { code: secret.trim() };
}
