// Why this browser's session ended, as the sign-in screen tells it. Pure, so it is table-tested.

export type EndReason = "REVOKED" | "SIGNED_OUT" | "EXPIRED" | "PASSWORD_CHANGED" | "PASSWORD_RESET" | "UNKNOWN";

const NOTICES: Record<EndReason, string> = {
  REVOKED: "You were signed out: this session was revoked from another device.",
  SIGNED_OUT: "You were signed out everywhere.",
  EXPIRED: "Your session expired. Sign in again.",
  PASSWORD_CHANGED: "You were signed out because the password was changed.",
  PASSWORD_RESET: "You were signed out because the password was reset.",
  UNKNOWN: "Your session ended: it was revoked or signed out from another device, or it expired. Sign in again.",
};

/** The reason named by a server error's extensions (`SESSION_ENDED` + `reason`), or UNKNOWN. */
export function endReason(extensions: Record<string, unknown> | undefined): EndReason {
  const reason = extensions?.reason;
  return typeof reason === "string" && Object.hasOwn(NOTICES, reason) ? (reason as EndReason) : "UNKNOWN";
}

/** The sentence shown above the sign-in form after the session ended. */
export function endNotice(reason: EndReason): string {
  return NOTICES[reason];
}

/** The WebSocket close code the server uses when the socket's session ends. */
export const SESSION_ENDED_CLOSE = 4403;

/** Whether graphql-ws may reconnect after this close: never once the session has ended. */
export function mayReconnect(closeCode: number | undefined): boolean {
  return closeCode !== SESSION_ENDED_CLOSE;
}
