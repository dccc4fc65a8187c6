import type { SecurityEventType } from "../../lib/gql/graphql";

const LABELS: Record<SecurityEventType, string> = {
  SIGN_UP: "Account created",
  SIGN_IN: "Signed in",
  SIGN_IN_FAILED: "Wrong password",
  TWO_FACTOR_FAILED: "Wrong two-factor code",
  ACCOUNT_LOCKED: "Account locked",
  SIGN_OUT: "Signed out",
  SESSION_REVOKED: "Session revoked",
  OTHER_SESSIONS_REVOKED: "Other sessions revoked",
  SIGNED_OUT_EVERYWHERE: "Signed out everywhere",
  SESSION_EXPIRED: "Session expired",
  PASSWORD_CHANGED: "Password changed",
  TOTP_ENABLED: "Two-factor authentication enabled",
  TOTP_DISABLED: "Two-factor authentication disabled",
  BACKUP_CODE_USED: "Backup code used",
  BACKUP_CODES_REGENERATED: "Backup codes regenerated",
  API_KEY_CREATED: "API key created",
  API_KEY_REVOKED: "API key revoked",
  DEVICE_FORGOTTEN: "Known device forgotten",
  NEW_DEVICE_SIGN_IN: "Sign-in from a new device",
  PASSWORD_KNOWN_CODE_FAILING: "Right password, wrong two-factor codes",
  PASSWORD_RESET: "Password reset by email",
};

/** The log's words for an event type; a type added to the schema later shows as itself. */
export function eventLabel(type: SecurityEventType): string {
  return (LABELS as Partial<Record<string, string>>)[type] ?? type;
}
