// The token of a reset link arrives in the URL fragment (#reset=…), which no server sees.

const FRAGMENT = /^#reset=([A-Za-z0-9_-]{1,128})$/;

/** The token in a location's fragment, or null. Pure, so it is table-tested. */
export function resetTokenIn(hash: string): string | null {
  return FRAGMENT.exec(hash)?.[1] ?? null;
}

/**
 * Take the reset token out of the address bar at once (before anything renders), so it stays in no
 * history entry, bookmark or screenshot; the page moves to the reset form. Returns the token, or null.
 */
export function takeResetToken(location: Location, history: History): string | null {
  const token = resetTokenIn(location.hash);
  if (location.hash.startsWith("#reset=")) history.replaceState(null, "", "/reset-password");
  return token;
}
