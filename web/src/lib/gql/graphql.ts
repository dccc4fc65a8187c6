/* eslint-disable */
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
export type Maybe<T> = T | null;
export type InputMaybe<T> = T | null | undefined;
export type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
export type MakeOptional<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]?: Maybe<T[SubKey]> };
export type MakeMaybe<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]: Maybe<T[SubKey]> };
export type MakeEmpty<T extends { [key: string]: unknown }, K extends keyof T> = { [_ in K]?: never };
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  /** A date and time with its UTC offset, in RFC 3339 format (2026-01-31T09:30:00+00:00). */
  DateTime: { input: string; output: string; }
};

/** The signed-in person's account. */
export type Account = Node & {
  __typename?: 'Account';
  /** Unused backup codes (0 when 2FA is off). */
  backupCodesRemaining: Scalars['Int']['output'];
  /** When the account was created (UTC). */
  createdAt: Scalars['DateTime']['output'];
  /** Email address, lower-cased. */
  email: Scalars['String']['output'];
  /** Opaque global id: the type and a random key, never a count; store it, do not parse it. */
  id: Scalars['ID']['output'];
  /** When the password was last set (UTC). */
  passwordChangedAt: Scalars['DateTime']['output'];
  /** Whether every sign-in asks for a TOTP code. */
  twoFactorEnabled: Scalars['Boolean']['output'];
};

/** The account is locked after repeated failures; nothing was checked. */
export type AccountLocked = Error & {
  __typename?: 'AccountLocked';
  /** Machine-readable reason. */
  code: ErrorCode;
  /** Human-readable explanation, safe to show. */
  message: Scalars['String']['output'];
  /** Seconds until the lock ends. */
  retryAfterSeconds: Scalars['Int']['output'];
};

/** A read-only credential for scripts and dashboards; the key itself is never shown again. */
export type ApiKey = Node & {
  __typename?: 'ApiKey';
  /** When the key was created (UTC). */
  createdAt: Scalars['DateTime']['output'];
  /** When the key stops working; null when it never expires. An expired key is refused. */
  expiresAt?: Maybe<Scalars['DateTime']['output']>;
  /** Opaque global id: the type and a random key, never a count; store it, do not parse it. */
  id: Scalars['ID']['output'];
  /** When the key was last used, updated at most once a minute; null if never. */
  lastUsedAt?: Maybe<Scalars['DateTime']['output']>;
  /** What the key is for, as its owner named it. */
  name: Scalars['String']['output'];
  /** The first characters of the key ("wk_" and 8 more), to recognise it. */
  prefix: Scalars['String']['output'];
};

/** A new API key; `secret` is shown only now. */
export type ApiKeyCreated = {
  __typename?: 'ApiKeyCreated';
  /** The key's details, as apiKeys lists them. */
  apiKey: ApiKey;
  /** The key itself, for `Authorization: Bearer <key>`; shown once, stored only as a hash. */
  secret: Scalars['String']['output'];
};

/** The API key was revoked: it is refused from now on and its sockets are closed. */
export type ApiKeyRevoked = {
  __typename?: 'ApiKeyRevoked';
  /** The revoked key as it was last seen: remove it from cached lists. */
  apiKey: ApiKey;
  /**
   * The global id of the key that was revoked.
   * @deprecated Use apiKey { id }.
   */
  id: Scalars['ID']['output'];
};

/** A new set of backup codes; every earlier code stopped working. */
export type BackupCodes = {
  __typename?: 'BackupCodes';
  /** 10 single-use backup codes (XXXX-XXXX-XXXX-XXXX); shown only now. */
  codes: Array<Scalars['String']['output']>;
};

/** The sign-in challenge is unknown, expired or used up: sign in again with the password. */
export type ChallengeExpired = Error & {
  __typename?: 'ChallengeExpired';
  /** Machine-readable reason. */
  code: ErrorCode;
  /** Human-readable explanation, safe to show. */
  message: Scalars['String']['output'];
};

/** Replace the password; the current one is required. */
export type ChangePasswordInput = {
  /** The password in use now. */
  currentPassword: Scalars['String']['input'];
  /** 8 to 128 characters, none of the last 5 passwords. */
  newPassword: Scalars['String']['input'];
  /** Also revoke every API key of the account (their sockets close). */
  revokeApiKeys?: Scalars['Boolean']['input'];
  /** End every other session (the current one stays signed in). */
  signOutOtherSessions?: Scalars['Boolean']['input'];
};

/** Outcome of changePassword. */
export type ChangePasswordResult = AccountLocked | InvalidCredentials | PasswordChanged | PasswordPolicyViolation | TooManyAttempts;

/** The kind of client a session belongs to; it decides the idle timeout. */
export type ClientKind =
  /** A mobile app; the token is sent as a Bearer header. */
  | 'MOBILE'
  /** A browser; the token lives in an HttpOnly cookie. */
  | 'WEB';

/** Create an API key (read-only: it cannot run mutations). */
export type CreateApiKeyInput = {
  /** When the key stops working; must be in the future. Null: it never expires. */
  expiresAt?: InputMaybe<Scalars['DateTime']['input']>;
  /** What the key is for: 1 to 100 characters after trimming, no control characters. */
  name: Scalars['String']['input'];
};

/** Outcome of createApiKey. */
export type CreateApiKeyResult = ApiKeyCreated | InvalidInput | ReauthenticationRequired;

/** Browser and operating system, parsed from the User-Agent. */
export type Device = {
  __typename?: 'Device';
  /** Browser and major version, e.g. "Chrome 131". */
  browser?: Maybe<Scalars['String']['output']>;
  /** Operating system, e.g. "macOS" or "Windows 10". */
  os?: Maybe<Scalars['String']['output']>;
};

/** The device was forgotten: its credential no longer counts its sign-ins apart. */
export type DeviceForgotten = {
  __typename?: 'DeviceForgotten';
  /** The device as it was: remove it from cached lists. */
  knownDevice: KnownDevice;
};

/** Switch two-factor authentication off; the password is required. */
export type DisableTotpInput = {
  /** The account's current password. */
  password: Scalars['String']['input'];
};

/** Outcome of disableTotp. */
export type DisableTotpResult = AccountLocked | InvalidCredentials | TooManyAttempts | TotpDisabled | TotpNotEnabled;

/** An account with this email address already exists. */
export type EmailTaken = Error & {
  __typename?: 'EmailTaken';
  /** Machine-readable reason. */
  code: ErrorCode;
  /** Human-readable explanation, safe to show. */
  message: Scalars['String']['output'];
};

/** Confirm a started two-factor setup with a first code from the authenticator app. */
export type EnableTotpInput = {
  /** The 6-digit code the app shows now; surrounding spaces are ignored. */
  code: Scalars['String']['input'];
};

/** Outcome of enableTotp. */
export type EnableTotpResult = InvalidCode | ReauthenticationRequired | TotpAlreadyEnabled | TotpEnabled | TotpSetupNotStarted;

/** An expected failure, returned as data in a mutation's result union. */
export type Error = {
  /** Machine-readable reason. */
  code: ErrorCode;
  /** Human-readable explanation, safe to show. */
  message: Scalars['String']['output'];
};

/** Machine-readable reason of an error; stable across releases. */
export type ErrorCode =
  /** Locked after repeated failures. */
  | 'ACCOUNT_LOCKED'
  /** The sign-in challenge is used up. */
  | 'CHALLENGE_EXPIRED'
  /** Not a syntactically valid email address. */
  | 'EMAIL_INVALID'
  /** An account already uses this email. */
  | 'EMAIL_TAKEN'
  /** The two-factor code is wrong or used. */
  | 'INVALID_CODE'
  /** Email or password is wrong. */
  | 'INVALID_CREDENTIALS'
  /** A field failed validation. */
  | 'INVALID_INPUT'
  /** The reset link is unknown, used, replaced or expired. */
  | 'INVALID_RESET_TOKEN'
  /** No such thing belongs to this account. */
  | 'NOT_FOUND'
  /** One of the recent passwords. */
  | 'PASSWORD_REUSED'
  /** Above the maximum length. */
  | 'PASSWORD_TOO_LONG'
  /** Below the minimum length. */
  | 'PASSWORD_TOO_SHORT'
  /** Call reauthenticate first, then retry the operation. */
  | 'REAUTHENTICATION_REQUIRED'
  /** Wait before trying again. */
  | 'TOO_MANY_ATTEMPTS'
  /** Two-factor is already on. */
  | 'TOTP_ALREADY_ENABLED'
  /** Two-factor is off. */
  | 'TOTP_NOT_ENABLED'
  /** No pending two-factor setup to confirm. */
  | 'TOTP_SETUP_NOT_STARTED';

/** Outcome of forgetDevice. */
export type ForgetDeviceResult = DeviceForgotten | NotFound;

/** The two-factor code is wrong, already used, or not a code at all. */
export type InvalidCode = Error & {
  __typename?: 'InvalidCode';
  /** Machine-readable reason. */
  code: ErrorCode;
  /** Human-readable explanation, safe to show. */
  message: Scalars['String']['output'];
};

/** The email or password is incorrect (never says which). */
export type InvalidCredentials = Error & {
  __typename?: 'InvalidCredentials';
  /** Machine-readable reason. */
  code: ErrorCode;
  /** Human-readable explanation, safe to show. */
  message: Scalars['String']['output'];
};

/** The email address is not syntactically valid. */
export type InvalidEmail = Error & {
  __typename?: 'InvalidEmail';
  /** Machine-readable reason. */
  code: ErrorCode;
  /** Human-readable explanation, safe to show. */
  message: Scalars['String']['output'];
};

/** A field failed validation. */
export type InvalidInput = Error & {
  __typename?: 'InvalidInput';
  /** Machine-readable reason. */
  code: ErrorCode;
  /** The input field at fault, in the API's spelling. */
  field: Scalars['String']['output'];
  /** Human-readable explanation, safe to show. */
  message: Scalars['String']['output'];
};

/** The reset link is unknown, used, replaced by a newer one or expired: ask for a new one. */
export type InvalidResetToken = Error & {
  __typename?: 'InvalidResetToken';
  /** Machine-readable reason. */
  code: ErrorCode;
  /** Human-readable explanation, safe to show. */
  message: Scalars['String']['output'];
};

/** A browser or app that completed a sign-in: its sign-in attempts are counted apart from everyone else's, so a lock others caused does not keep it out. Never shows its credential. */
export type KnownDevice = Node & {
  __typename?: 'KnownDevice';
  /** Web (a cookie) or mobile (SignedIn.deviceToken). */
  client: ClientKind;
  /** Its first sign-in. */
  createdAt: Scalars['DateTime']['output'];
  /** Browser and operating system at its last sign-in. */
  device: Device;
  /** Opaque global id: the type and a random key, never a count; store it, do not parse it. */
  id: Scalars['ID']['output'];
  /** IP address of its last sign-in, partially masked. */
  ipAddress?: Maybe<Scalars['String']['output']>;
  /** Its latest completed sign-in. */
  lastUsedAt: Scalars['DateTime']['output'];
  /** Approximate place of its last sign-in. */
  location?: Maybe<Scalars['String']['output']>;
};

/** Changes to the account's security; API keys get a FORBIDDEN error on every one. */
export type Mutation = {
  __typename?: 'Mutation';
  /** Replace the password (the current one is required); signs other sessions out by default. */
  changePassword: ChangePasswordResult;
  /** Create a read-only API key; the key itself is returned once. */
  createApiKey: CreateApiKeyResult;
  /** Switch two-factor authentication off at once (the password is required). */
  disableTotp: DisableTotpResult;
  /** Confirm the pending setup with a first code; 2FA goes on. */
  enableTotp: EnableTotpResult;
  /** Forget a known device: its sign-ins are counted with everyone else's again. */
  forgetDevice: ForgetDeviceResult;
  /** Prove it's you again (password, or a two-factor code): opens this session's window of REAUTH_WINDOW for createApiKey, startTotpSetup and enableTotp. */
  reauthenticate: ReauthenticateResult;
  /** Replace the backup codes with a new set (the password is required). */
  regenerateBackupCodes: RegenerateBackupCodesResult;
  /** Mail a password-reset link if an account has the email; the same answer either way. */
  requestPasswordReset: RequestPasswordResetResult;
  /** Set a new password with a reset link; every session and API key ends (HTTP only). */
  resetPassword: ResetPasswordResult;
  /** Keep only the current session. */
  revokeAllOtherSessions: RevokeAllOtherSessionsResult;
  /** Revoke an API key at once; its sockets are closed. */
  revokeApiKey: RevokeApiKeyResult;
  /** Sign one device out. */
  revokeSession: RevokeSessionResult;
  /** The password step of signing in (HTTP only). */
  signIn: SignInResult;
  /** End the current session (HTTP only). */
  signOut: SignOutResult;
  /** End every session, the current one too (HTTP only). */
  signOutEverywhere: SignOutEverywhereResult;
  /** Create an account and sign in (HTTP only). */
  signUp: SignUpResult;
  /** Start setting up two-factor authentication: a new pending secret, QR code and backup codes. */
  startTotpSetup: StartTotpSetupResult;
  /** The second step of signing in: a TOTP or backup code for the challenge from signIn (HTTP only). */
  verifyTwoFactor: VerifyTwoFactorResult;
};


/** Changes to the account's security; API keys get a FORBIDDEN error on every one. */
export type MutationChangePasswordArgs = {
  input: ChangePasswordInput;
};


/** Changes to the account's security; API keys get a FORBIDDEN error on every one. */
export type MutationCreateApiKeyArgs = {
  input: CreateApiKeyInput;
};


/** Changes to the account's security; API keys get a FORBIDDEN error on every one. */
export type MutationDisableTotpArgs = {
  input: DisableTotpInput;
};


/** Changes to the account's security; API keys get a FORBIDDEN error on every one. */
export type MutationEnableTotpArgs = {
  input: EnableTotpInput;
};


/** Changes to the account's security; API keys get a FORBIDDEN error on every one. */
export type MutationForgetDeviceArgs = {
  id: Scalars['ID']['input'];
};


/** Changes to the account's security; API keys get a FORBIDDEN error on every one. */
export type MutationReauthenticateArgs = {
  input: ReauthenticateInput;
};


/** Changes to the account's security; API keys get a FORBIDDEN error on every one. */
export type MutationRegenerateBackupCodesArgs = {
  input: RegenerateBackupCodesInput;
};


/** Changes to the account's security; API keys get a FORBIDDEN error on every one. */
export type MutationRequestPasswordResetArgs = {
  input: RequestPasswordResetInput;
};


/** Changes to the account's security; API keys get a FORBIDDEN error on every one. */
export type MutationResetPasswordArgs = {
  input: ResetPasswordInput;
};


/** Changes to the account's security; API keys get a FORBIDDEN error on every one. */
export type MutationRevokeApiKeyArgs = {
  id: Scalars['ID']['input'];
};


/** Changes to the account's security; API keys get a FORBIDDEN error on every one. */
export type MutationRevokeSessionArgs = {
  id: Scalars['ID']['input'];
};


/** Changes to the account's security; API keys get a FORBIDDEN error on every one. */
export type MutationSignInArgs = {
  input: SignInInput;
};


/** Changes to the account's security; API keys get a FORBIDDEN error on every one. */
export type MutationSignOutEverywhereArgs = {
  revokeApiKeys?: Scalars['Boolean']['input'];
};


/** Changes to the account's security; API keys get a FORBIDDEN error on every one. */
export type MutationSignUpArgs = {
  input: SignUpInput;
};


/** Changes to the account's security; API keys get a FORBIDDEN error on every one. */
export type MutationVerifyTwoFactorArgs = {
  input: VerifyTwoFactorInput;
};

/** An object with a globally unique id (Relay global object identification); refetch it with node(id). */
export type Node = {
  /** Opaque global id: the type and a random key, never a count; store it, do not parse it. */
  id: Scalars['ID']['output'];
};

/** Nothing with this id belongs to the signed-in account. */
export type NotFound = Error & {
  __typename?: 'NotFound';
  /** Machine-readable reason. */
  code: ErrorCode;
  /** Human-readable explanation, safe to show. */
  message: Scalars['String']['output'];
};

/** Where a page of a connection ends. */
export type PageInfo = {
  __typename?: 'PageInfo';
  /** Cursor of the last edge of this page; null when empty. */
  endCursor?: Maybe<Scalars['String']['output']>;
  /** Whether older entries follow this page. */
  hasNextPage: Scalars['Boolean']['output'];
  /** Whether newer entries precede this page. */
  hasPreviousPage: Scalars['Boolean']['output'];
  /** Cursor of the first edge of this page; null when empty. */
  startCursor?: Maybe<Scalars['String']['output']>;
};

/** The password was changed. */
export type PasswordChanged = {
  __typename?: 'PasswordChanged';
  /** The account, with its new passwordChangedAt. */
  account: Account;
  /** How many API keys were revoked (revokeApiKeys). */
  revokedApiKeys: Scalars['Int']['output'];
  /** How many other sessions were signed out. */
  signedOutSessions: Scalars['Int']['output'];
};

/** The password rules, so the frontend can validate before submitting. */
export type PasswordPolicy = {
  __typename?: 'PasswordPolicy';
  /** How many recent passwords cannot be reused. */
  historySize: Scalars['Int']['output'];
  /** Most characters (Unicode code points after NFKC). */
  maxLength: Scalars['Int']['output'];
  /** Fewest characters (Unicode code points after NFKC). */
  minLength: Scalars['Int']['output'];
};

/** The password breaks one rule of the policy; `code` names the rule. */
export type PasswordPolicyViolation = Error & {
  __typename?: 'PasswordPolicyViolation';
  /** Machine-readable reason. */
  code: ErrorCode;
  /** Human-readable explanation, safe to show. */
  message: Scalars['String']['output'];
};

/** The password was reset: every session of the account ended, its API keys were revoked. */
export type PasswordReset = {
  __typename?: 'PasswordReset';
  /** How many API keys were revoked. */
  revokedApiKeys: Scalars['Int']['output'];
  /** How many sessions were signed out. */
  signedOutSessions: Scalars['Int']['output'];
};

/** The request was taken; the same answer whether or not an account has the email. */
export type PasswordResetRequested = {
  __typename?: 'PasswordResetRequested';
  /** What to tell the person: look for the mail. */
  message: Scalars['String']['output'];
};

/** Read operations. */
export type Query = {
  __typename?: 'Query';
  /** Own live sessions, most recently active first. */
  activeSessions: Array<Session>;
  /** Own API keys that are not revoked, newest first; never the keys. */
  apiKeys: Array<ApiKey>;
  /** Own known devices (browsers and apps that completed a sign-in), most recently used first. */
  knownDevices: Array<KnownDevice>;
  /** The signed-in account; null when signed out. */
  me?: Maybe<Account>;
  /** One of the viewer's own objects by global id; null for anything else. */
  node?: Maybe<Node>;
  /** The viewer's own objects by global ids; null in place of anything else. */
  nodes: Array<Maybe<Node>>;
  /** Password rules; no sign-in needed. */
  passwordPolicy: PasswordPolicy;
  /** Own security audit log, newest first, cursor-paginated (Relay connection). */
  securityEvents: SecurityEventConnection;
};


/** Read operations. */
export type QueryNodeArgs = {
  id: Scalars['ID']['input'];
};


/** Read operations. */
export type QueryNodesArgs = {
  ids: Array<Scalars['ID']['input']>;
};


/** Read operations. */
export type QuerySecurityEventsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
};

/** Prove it's you again, with exactly one of the password or a two-factor code (InvalidInput otherwise). */
export type ReauthenticateInput = {
  /** With two-factor authentication on: a 6-digit code from the app, or an unused backup code. */
  code?: InputMaybe<Scalars['String']['input']>;
  /** The account's current password. */
  password?: InputMaybe<Scalars['String']['input']>;
};

/** Outcome of reauthenticate. */
export type ReauthenticateResult = AccountLocked | InvalidCode | InvalidCredentials | InvalidInput | Reauthenticated | TooManyAttempts;

/** The session proved who it is: it may create credentials until `until`. */
export type Reauthenticated = {
  __typename?: 'Reauthenticated';
  /** The current session, with its new authenticatedAt. */
  session: Session;
  /** When the recent-authentication window closes. */
  until: Scalars['DateTime']['output'];
};

/** The operation creates a long-lived credential and this session has not proved who it is recently: call reauthenticate (password or code), then retry. */
export type ReauthenticationRequired = Error & {
  __typename?: 'ReauthenticationRequired';
  /** Machine-readable reason. */
  code: ErrorCode;
  /** Human-readable explanation, safe to show. */
  message: Scalars['String']['output'];
};

/** Replace the backup codes; the password is required. */
export type RegenerateBackupCodesInput = {
  /** The account's current password. */
  password: Scalars['String']['input'];
};

/** Outcome of regenerateBackupCodes. */
export type RegenerateBackupCodesResult = AccountLocked | BackupCodes | InvalidCredentials | TooManyAttempts | TotpNotEnabled;

/** Ask for a password-reset link by mail. */
export type RequestPasswordResetInput = {
  /** Email address of the account; trimmed and compared case-insensitively. */
  email: Scalars['String']['input'];
};

/** Outcome of requestPasswordReset. */
export type RequestPasswordResetResult = InvalidInput | PasswordResetRequested | TooManyAttempts;

/** Set a new password with the token of a reset link. */
export type ResetPasswordInput = {
  /** With two-factor authentication on: a 6-digit code from the authenticator app or a backup code. */
  code?: InputMaybe<Scalars['String']['input']>;
  /** 8 to 128 characters, none of the last 5 passwords. */
  newPassword: Scalars['String']['input'];
  /** The token from the link's `#reset=` fragment. */
  token: Scalars['String']['input'];
};

/** Outcome of resetPassword. */
export type ResetPasswordResult = AccountLocked | InvalidCode | InvalidInput | InvalidResetToken | PasswordPolicyViolation | PasswordReset | TooManyAttempts;

/** Outcome of revokeAllOtherSessions. */
export type RevokeAllOtherSessionsResult = SessionsRevoked;

/** Outcome of revokeApiKey. */
export type RevokeApiKeyResult = ApiKeyRevoked | NotFound;

/** Outcome of revokeSession. */
export type RevokeSessionResult = NotFound | SessionRevoked;

/** One entry of the account's security audit log; never holds a secret. */
export type SecurityEvent = Node & {
  __typename?: 'SecurityEvent';
  /** Browser and operating system of whoever acted. */
  device: Device;
  /** Opaque global id: the type and a random key, never a count; store it, do not parse it. */
  id: Scalars['ID']['output'];
  /** IP address of whoever acted, partially masked. */
  ipAddress?: Maybe<Scalars['String']['output']>;
  /** Approximate place of the IP; null when unknown. */
  location?: Maybe<Scalars['String']['output']>;
  /** When it happened (UTC). */
  occurredAt: Scalars['DateTime']['output'];
  /** The global id of the session the event is about (opened, ended, or the one that made the change); null if none. */
  sessionId?: Maybe<Scalars['ID']['output']>;
  /** What happened. */
  type: SecurityEventType;
};

/** A page of the security audit log, newest first (Relay connection). */
export type SecurityEventConnection = {
  __typename?: 'SecurityEventConnection';
  /** The events of this page, newest first. */
  edges: Array<SecurityEventEdge>;
  /** The same events without their cursors. */
  nodes: Array<SecurityEvent>;
  /** Whether more events follow, and where to continue. */
  pageInfo: PageInfo;
};

/** One event of a page, with the cursor to continue after it. */
export type SecurityEventEdge = {
  __typename?: 'SecurityEventEdge';
  /** Opaque position of this event: `after` it come older events, `before` it newer ones. */
  cursor: Scalars['String']['output'];
  /** The event. */
  node: SecurityEvent;
};

/** What happened to the account. */
export type SecurityEventType =
  /** Repeated failures locked the account. */
  | 'ACCOUNT_LOCKED'
  /** An API key was created. */
  | 'API_KEY_CREATED'
  /** An API key was revoked. */
  | 'API_KEY_REVOKED'
  /** A new set of backup codes replaced the old one. */
  | 'BACKUP_CODES_REGENERATED'
  /** A backup code was used to sign in. */
  | 'BACKUP_CODE_USED'
  /** A known device was forgotten: its sign-ins count with everyone else's again. */
  | 'DEVICE_FORGOTTEN'
  /** A sign-in completed from a client that was not a known device; the owner was mailed. */
  | 'NEW_DEVICE_SIGN_IN'
  /** Every session but the requesting one was revoked. */
  | 'OTHER_SESSIONS_REVOKED'
  /** The password was changed. */
  | 'PASSWORD_CHANGED'
  /** Three wrong two-factor codes followed a right password; the owner was mailed. */
  | 'PASSWORD_KNOWN_CODE_FAILING'
  /** The password was reset with a link from the mail; every session and API key was ended. */
  | 'PASSWORD_RESET'
  /** A session ended after its idle timeout; described by its own device. */
  | 'SESSION_EXPIRED'
  /** One session was revoked; sessionId names it. */
  | 'SESSION_REVOKED'
  /** Every session was ended, the requesting one too. */
  | 'SIGNED_OUT_EVERYWHERE'
  /** A sign-in completed: a session was opened. */
  | 'SIGN_IN'
  /** A wrong password, at sign-in or when confirming a change (counted for lockout). */
  | 'SIGN_IN_FAILED'
  /** A session signed itself out. */
  | 'SIGN_OUT'
  /** The account was created (and its first session opened). */
  | 'SIGN_UP'
  /** Two-factor authentication was switched off. */
  | 'TOTP_DISABLED'
  /** Two-factor authentication was switched on. */
  | 'TOTP_ENABLED'
  /** A wrong or replayed two-factor or backup code at sign-in. */
  | 'TWO_FACTOR_FAILED';

/** A device signed in to the account. */
export type Session = Node & {
  __typename?: 'Session';
  /** When this session last proved who it is: its sign-in, reauthenticate, a password change or switching two-factor off in it. */
  authenticatedAt?: Maybe<Scalars['DateTime']['output']>;
  /** Web or mobile; decides the idle timeout. */
  client: ClientKind;
  /** When this sign-in happened. */
  createdAt: Scalars['DateTime']['output'];
  /** True for the session making this request (or socket). */
  current: Scalars['Boolean']['output'];
  /** Browser and operating system. */
  device: Device;
  /** When it ends if it stays idle. */
  expiresAt: Scalars['DateTime']['output'];
  /** Opaque global id: the type and a random key, never a count; store it, do not parse it. */
  id: Scalars['ID']['output'];
  /** IP address, partially masked (203.0.113.xxx). */
  ipAddress?: Maybe<Scalars['String']['output']>;
  /** Last activity, updated at most once a minute. */
  lastActiveAt: Scalars['DateTime']['output'];
  /** Approximate place from the IP ("Berlin, Germany"). */
  location?: Maybe<Scalars['String']['output']>;
  /** When the recent-authentication window closes (authenticatedAt + REAUTH_WINDOW); past it, createApiKey, startTotpSetup and enableTotp answer ReauthenticationRequired. */
  reauthenticationExpiresAt?: Maybe<Scalars['DateTime']['output']>;
};

/** The session was ended; its token is refused and its sockets closed. */
export type SessionRevoked = {
  __typename?: 'SessionRevoked';
  /**
   * The global id of the session that ended.
   * @deprecated Use session { id }.
   */
  id: Scalars['ID']['output'];
  /** The ended session as it was last seen: remove it from cached session lists. */
  session: Session;
};

/** Several sessions were ended. */
export type SessionsRevoked = {
  __typename?: 'SessionsRevoked';
  /** How many sessions this call ended. */
  count: Scalars['Int']['output'];
  /** How many API keys this call revoked (signOutEverywhere with revokeApiKeys). */
  revokedApiKeys: Scalars['Int']['output'];
  /** The sessions this call ended, as last seen: remove them from cached session lists. */
  sessions: Array<Session>;
};

/** The password step of signing in. */
export type SignInInput = {
  /** Web (cookie) or mobile (token). */
  client?: ClientKind;
  /** The known-device credential from an earlier SignedIn.deviceToken (apps; browsers send a cookie). */
  deviceToken?: InputMaybe<Scalars['String']['input']>;
  /** Email address of the account. */
  email: Scalars['String']['input'];
  /** The account's password. */
  password: Scalars['String']['input'];
};

/** Outcome of the password step of signing in. */
export type SignInResult = AccountLocked | InvalidCredentials | SignedIn | TooManyAttempts | TwoFactorRequired;

/** Outcome of signOutEverywhere. */
export type SignOutEverywhereResult = SessionsRevoked;

/** Outcome of signOut. */
export type SignOutResult = SignedOut;

/** Create an account and sign in. */
export type SignUpInput = {
  /** Web (cookie) or mobile (token). */
  client?: ClientKind;
  /** Email address; trimmed and compared case-insensitively. */
  email: Scalars['String']['input'];
  /** 8 to 128 characters of any kind. */
  password: Scalars['String']['input'];
};

/** Outcome of signUp. */
export type SignUpResult = EmailTaken | InvalidEmail | PasswordPolicyViolation | SignedIn | TooManyAttempts;

/** Signed in: a session was created. */
export type SignedIn = {
  __typename?: 'SignedIn';
  /** The signed-in account. */
  account: Account;
  /** Known-device credential for MOBILE sign-ins only (WEB: an HttpOnly cookie); send it back in signIn to be counted apart from guesses made elsewhere. It changes at every sign-in: keep the newest. */
  deviceToken?: Maybe<Scalars['String']['output']>;
  /** The new session. */
  session: Session;
  /** Bearer token for MOBILE sign-ins only; WEB sign-ins get it as an HttpOnly cookie. */
  token?: Maybe<Scalars['String']['output']>;
};

/** The current session ended. */
export type SignedOut = {
  __typename?: 'SignedOut';
  /** The global id of the session that ended. */
  sessionId: Scalars['ID']['output'];
};

/** Outcome of startTotpSetup. */
export type StartTotpSetupResult = ReauthenticationRequired | TotpAlreadyEnabled | TotpSetup;

/** Live updates over WebSocket (graphql-transport-ws). */
export type Subscription = {
  __typename?: 'Subscription';
  /** Own live sessions now, then again after every change. */
  activeSessions: Array<Session>;
};

/** Too many recent failures; the attempt was refused without being checked. */
export type TooManyAttempts = Error & {
  __typename?: 'TooManyAttempts';
  /** Machine-readable reason. */
  code: ErrorCode;
  /** Human-readable explanation, safe to show. */
  message: Scalars['String']['output'];
  /** Seconds until the next attempt is evaluated. */
  retryAfterSeconds: Scalars['Int']['output'];
};

/** Two-factor authentication is already on. */
export type TotpAlreadyEnabled = Error & {
  __typename?: 'TotpAlreadyEnabled';
  /** Machine-readable reason. */
  code: ErrorCode;
  /** Human-readable explanation, safe to show. */
  message: Scalars['String']['output'];
};

/** Two-factor authentication is off; its secret and backup codes were deleted. */
export type TotpDisabled = {
  __typename?: 'TotpDisabled';
  /** The account, with twoFactorEnabled false. */
  account: Account;
};

/** Two-factor authentication is on: every sign-in now asks for a code. */
export type TotpEnabled = {
  __typename?: 'TotpEnabled';
  /** The account, with twoFactorEnabled and its backup codes. */
  account: Account;
};

/** Two-factor authentication is off. */
export type TotpNotEnabled = Error & {
  __typename?: 'TotpNotEnabled';
  /** Machine-readable reason. */
  code: ErrorCode;
  /** Human-readable explanation, safe to show. */
  message: Scalars['String']['output'];
};

/** A started two-factor setup, shown once; nothing is active until enableTotp confirms a code. */
export type TotpSetup = {
  __typename?: 'TotpSetup';
  /** 10 single-use backup codes (XXXX-XXXX-XXXX-XXXX), valid once 2FA is enabled; shown only now. */
  backupCodes: Array<Scalars['String']['output']>;
  /** The otpauth:// URI (issuer Workestra, account email). */
  otpauthUri: Scalars['String']['output'];
  /** An SVG image of the QR code of otpauthUri. */
  qrCodeSvg: Scalars['String']['output'];
  /** The base32 secret, for typing into an app that cannot scan. */
  secret: Scalars['String']['output'];
};

/** There is no pending setup to confirm: call startTotpSetup first. */
export type TotpSetupNotStarted = Error & {
  __typename?: 'TotpSetupNotStarted';
  /** Machine-readable reason. */
  code: ErrorCode;
  /** Human-readable explanation, safe to show. */
  message: Scalars['String']['output'];
};

/** The password was right; now send a TOTP or backup code with verifyTwoFactor. */
export type TwoFactorRequired = {
  __typename?: 'TwoFactorRequired';
  /** Single-use challenge for verifyTwoFactor; grants nothing else. */
  challenge: Scalars['String']['output'];
  /** When the challenge stops working (5 minutes). */
  expiresAt: Scalars['DateTime']['output'];
};

/** The second step of signing in to an account with two-factor authentication. */
export type VerifyTwoFactorInput = {
  /** The challenge from signIn's TwoFactorRequired. */
  challenge: Scalars['String']['input'];
  /** A 6-digit code from the authenticator app, or an unused backup code (dashes and spaces allowed). */
  code: Scalars['String']['input'];
};

/** Outcome of the second step of signing in. */
export type VerifyTwoFactorResult = AccountLocked | ChallengeExpired | InvalidCode | SignedIn | TooManyAttempts;

export type ViewerQueryVariables = Exact<{ [key: string]: never; }>;


export type ViewerQuery = { __typename?: 'Query', me?: { __typename?: 'Account', id: string, email: string } | null };

export type SignOutMutationVariables = Exact<{ [key: string]: never; }>;


export type SignOutMutation = { __typename?: 'Mutation', signOut: { __typename: 'SignedOut' } };

export type ReauthenticateMutationVariables = Exact<{
  input: ReauthenticateInput;
}>;


export type ReauthenticateMutation = { __typename?: 'Mutation', reauthenticate:
    | { __typename: 'AccountLocked', retryAfterSeconds: number, code: ErrorCode, message: string }
    | { __typename: 'InvalidCode', code: ErrorCode, message: string }
    | { __typename: 'InvalidCredentials', code: ErrorCode, message: string }
    | { __typename: 'InvalidInput', code: ErrorCode, message: string }
    | { __typename: 'Reauthenticated', until: string, session: { __typename?: 'Session', id: string, authenticatedAt?: string | null, reauthenticationExpiresAt?: string | null } }
    | { __typename: 'TooManyAttempts', retryAfterSeconds: number, code: ErrorCode, message: string }
   };

export type ReauthWindowQueryVariables = Exact<{ [key: string]: never; }>;


export type ReauthWindowQuery = { __typename?: 'Query', activeSessions: Array<{ __typename?: 'Session', id: string, current: boolean, reauthenticationExpiresAt?: string | null }> };

export type ApiKeysQueryVariables = Exact<{ [key: string]: never; }>;


export type ApiKeysQuery = { __typename?: 'Query', apiKeys: Array<{ __typename?: 'ApiKey', id: string, name: string, prefix: string, createdAt: string, lastUsedAt?: string | null, expiresAt?: string | null }> };

export type CreateApiKeyMutationVariables = Exact<{
  input: CreateApiKeyInput;
}>;


export type CreateApiKeyMutation = { __typename?: 'Mutation', createApiKey:
    | { __typename: 'ApiKeyCreated', secret: string, apiKey: { __typename?: 'ApiKey', id: string, name: string } }
    | { __typename: 'InvalidInput', message: string }
    | { __typename: 'ReauthenticationRequired', message: string }
   };

export type RevokeApiKeyMutationVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type RevokeApiKeyMutation = { __typename?: 'Mutation', revokeApiKey:
    | { __typename: 'ApiKeyRevoked', apiKey: { __typename?: 'ApiKey', id: string } }
    | { __typename: 'NotFound', message: string }
   };

export type KnownDevicesQueryVariables = Exact<{ [key: string]: never; }>;


export type KnownDevicesQuery = { __typename?: 'Query', knownDevices: Array<{ __typename?: 'KnownDevice', id: string, client: ClientKind, location?: string | null, ipAddress?: string | null, lastUsedAt: string, device: { __typename?: 'Device', browser?: string | null, os?: string | null } }> };

export type ForgetDeviceMutationVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type ForgetDeviceMutation = { __typename?: 'Mutation', forgetDevice:
    | { __typename: 'DeviceForgotten', knownDevice: { __typename?: 'KnownDevice', id: string } }
    | { __typename: 'NotFound', message: string }
   };

export type AccountNameQueryVariables = Exact<{ [key: string]: never; }>;


export type AccountNameQuery = { __typename?: 'Query', me?: { __typename?: 'Account', id: string, email: string } | null };

export type ChangePasswordMutationVariables = Exact<{
  input: ChangePasswordInput;
}>;


export type ChangePasswordMutation = { __typename?: 'Mutation', changePassword:
    | { __typename: 'AccountLocked', retryAfterSeconds: number, code: ErrorCode, message: string }
    | { __typename: 'InvalidCredentials', code: ErrorCode, message: string }
    | { __typename: 'PasswordChanged', signedOutSessions: number, account: { __typename?: 'Account', id: string, passwordChangedAt: string } }
    | { __typename: 'PasswordPolicyViolation', code: ErrorCode, message: string }
    | { __typename: 'TooManyAttempts', retryAfterSeconds: number, code: ErrorCode, message: string }
   };

export type RequestPasswordResetMutationVariables = Exact<{
  input: RequestPasswordResetInput;
}>;


export type RequestPasswordResetMutation = { __typename?: 'Mutation', requestPasswordReset:
    | { __typename: 'InvalidInput', code: ErrorCode, message: string }
    | { __typename: 'PasswordResetRequested', message: string }
    | { __typename: 'TooManyAttempts', retryAfterSeconds: number, code: ErrorCode, message: string }
   };

export type ResetPasswordMutationVariables = Exact<{
  input: ResetPasswordInput;
}>;


export type ResetPasswordMutation = { __typename?: 'Mutation', resetPassword:
    | { __typename: 'AccountLocked', retryAfterSeconds: number, code: ErrorCode, message: string }
    | { __typename: 'InvalidCode', code: ErrorCode, message: string }
    | { __typename: 'InvalidInput', code: ErrorCode, message: string }
    | { __typename: 'InvalidResetToken', code: ErrorCode, message: string }
    | { __typename: 'PasswordPolicyViolation', code: ErrorCode, message: string }
    | { __typename: 'PasswordReset', signedOutSessions: number }
    | { __typename: 'TooManyAttempts', retryAfterSeconds: number, code: ErrorCode, message: string }
   };

export type SecurityEventsQueryVariables = Exact<{
  first: Scalars['Int']['input'];
  after?: InputMaybe<Scalars['String']['input']>;
}>;


export type SecurityEventsQuery = { __typename?: 'Query', securityEvents: { __typename?: 'SecurityEventConnection', edges: Array<{ __typename?: 'SecurityEventEdge', cursor: string, node: { __typename?: 'SecurityEvent', id: string, type: SecurityEventType, occurredAt: string, ipAddress?: string | null, location?: string | null, device: { __typename?: 'Device', browser?: string | null, os?: string | null } } }>, pageInfo: { __typename?: 'PageInfo', hasNextPage: boolean, endCursor?: string | null } } };

export type SessionRowFragment = { __typename?: 'Session', id: string, client: ClientKind, location?: string | null, ipAddress?: string | null, lastActiveAt: string, current: boolean, device: { __typename?: 'Device', browser?: string | null, os?: string | null } };

export type ActiveSessionsSubscriptionVariables = Exact<{ [key: string]: never; }>;


export type ActiveSessionsSubscription = { __typename?: 'Subscription', activeSessions: Array<{ __typename?: 'Session', id: string, client: ClientKind, location?: string | null, ipAddress?: string | null, lastActiveAt: string, current: boolean, device: { __typename?: 'Device', browser?: string | null, os?: string | null } }> };

export type ActiveSessionsNowQueryVariables = Exact<{ [key: string]: never; }>;


export type ActiveSessionsNowQuery = { __typename?: 'Query', activeSessions: Array<{ __typename?: 'Session', id: string, client: ClientKind, location?: string | null, ipAddress?: string | null, lastActiveAt: string, current: boolean, device: { __typename?: 'Device', browser?: string | null, os?: string | null } }> };

export type RevokeSessionMutationVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type RevokeSessionMutation = { __typename?: 'Mutation', revokeSession:
    | { __typename: 'NotFound', message: string }
    | { __typename: 'SessionRevoked', session: { __typename?: 'Session', id: string } }
   };

export type RevokeAllOtherSessionsMutationVariables = Exact<{ [key: string]: never; }>;


export type RevokeAllOtherSessionsMutation = { __typename?: 'Mutation', revokeAllOtherSessions: { __typename?: 'SessionsRevoked', count: number, sessions: Array<{ __typename?: 'Session', id: string }> } };

export type SignOutEverywhereMutationVariables = Exact<{ [key: string]: never; }>;


export type SignOutEverywhereMutation = { __typename?: 'Mutation', signOutEverywhere: { __typename?: 'SessionsRevoked', count: number, sessions: Array<{ __typename?: 'Session', id: string }> } };

export type SignInMutationVariables = Exact<{
  input: SignInInput;
}>;


export type SignInMutation = { __typename?: 'Mutation', signIn:
    | { __typename: 'AccountLocked', retryAfterSeconds: number, code: ErrorCode, message: string }
    | { __typename: 'InvalidCredentials', code: ErrorCode, message: string }
    | { __typename: 'SignedIn' }
    | { __typename: 'TooManyAttempts', retryAfterSeconds: number, code: ErrorCode, message: string }
    | { __typename: 'TwoFactorRequired', challenge: string }
   };

export type SignUpMutationVariables = Exact<{
  input: SignUpInput;
}>;


export type SignUpMutation = { __typename?: 'Mutation', signUp:
    | { __typename: 'EmailTaken', code: ErrorCode, message: string }
    | { __typename: 'InvalidEmail', code: ErrorCode, message: string }
    | { __typename: 'PasswordPolicyViolation', code: ErrorCode, message: string }
    | { __typename: 'SignedIn' }
    | { __typename: 'TooManyAttempts', retryAfterSeconds: number, code: ErrorCode, message: string }
   };

export type VerifyTwoFactorMutationVariables = Exact<{
  input: VerifyTwoFactorInput;
}>;


export type VerifyTwoFactorMutation = { __typename?: 'Mutation', verifyTwoFactor:
    | { __typename: 'AccountLocked', retryAfterSeconds: number, code: ErrorCode, message: string }
    | { __typename: 'ChallengeExpired', code: ErrorCode, message: string }
    | { __typename: 'InvalidCode', code: ErrorCode, message: string }
    | { __typename: 'SignedIn' }
    | { __typename: 'TooManyAttempts', retryAfterSeconds: number, code: ErrorCode, message: string }
   };

export type TwoFactorStatusQueryVariables = Exact<{ [key: string]: never; }>;


export type TwoFactorStatusQuery = { __typename?: 'Query', me?: { __typename?: 'Account', id: string, email: string, twoFactorEnabled: boolean, backupCodesRemaining: number } | null };

export type StartTotpSetupMutationVariables = Exact<{ [key: string]: never; }>;


export type StartTotpSetupMutation = { __typename?: 'Mutation', startTotpSetup:
    | { __typename: 'ReauthenticationRequired', message: string }
    | { __typename: 'TotpAlreadyEnabled', message: string }
    | { __typename: 'TotpSetup', secret: string, qrCodeSvg: string, backupCodes: Array<string> }
   };

export type EnableTotpMutationVariables = Exact<{
  input: EnableTotpInput;
}>;


export type EnableTotpMutation = { __typename?: 'Mutation', enableTotp:
    | { __typename: 'InvalidCode', message: string }
    | { __typename: 'ReauthenticationRequired', message: string }
    | { __typename: 'TotpAlreadyEnabled', message: string }
    | { __typename: 'TotpEnabled', account: { __typename?: 'Account', id: string, twoFactorEnabled: boolean, backupCodesRemaining: number } }
    | { __typename: 'TotpSetupNotStarted', message: string }
   };

export type DisableTotpMutationVariables = Exact<{
  input: DisableTotpInput;
}>;


export type DisableTotpMutation = { __typename?: 'Mutation', disableTotp:
    | { __typename: 'AccountLocked', retryAfterSeconds: number, code: ErrorCode, message: string }
    | { __typename: 'InvalidCredentials', code: ErrorCode, message: string }
    | { __typename: 'TooManyAttempts', retryAfterSeconds: number, code: ErrorCode, message: string }
    | { __typename: 'TotpDisabled', account: { __typename?: 'Account', id: string, twoFactorEnabled: boolean, backupCodesRemaining: number } }
    | { __typename: 'TotpNotEnabled', code: ErrorCode, message: string }
   };

export type RegenerateBackupCodesMutationVariables = Exact<{
  input: RegenerateBackupCodesInput;
}>;


export type RegenerateBackupCodesMutation = { __typename?: 'Mutation', regenerateBackupCodes:
    | { __typename: 'AccountLocked', retryAfterSeconds: number, code: ErrorCode, message: string }
    | { __typename: 'BackupCodes', codes: Array<string> }
    | { __typename: 'InvalidCredentials', code: ErrorCode, message: string }
    | { __typename: 'TooManyAttempts', retryAfterSeconds: number, code: ErrorCode, message: string }
    | { __typename: 'TotpNotEnabled', code: ErrorCode, message: string }
   };

export type PasswordPolicyQueryVariables = Exact<{ [key: string]: never; }>;


export type PasswordPolicyQuery = { __typename?: 'Query', passwordPolicy: { __typename?: 'PasswordPolicy', minLength: number, maxLength: number, historySize: number } };

type Refusal_AccountLocked_Fragment = { __typename?: 'AccountLocked', retryAfterSeconds: number, code: ErrorCode, message: string };

type Refusal_ChallengeExpired_Fragment = { __typename?: 'ChallengeExpired', code: ErrorCode, message: string };

type Refusal_EmailTaken_Fragment = { __typename?: 'EmailTaken', code: ErrorCode, message: string };

type Refusal_InvalidCode_Fragment = { __typename?: 'InvalidCode', code: ErrorCode, message: string };

type Refusal_InvalidCredentials_Fragment = { __typename?: 'InvalidCredentials', code: ErrorCode, message: string };

type Refusal_InvalidEmail_Fragment = { __typename?: 'InvalidEmail', code: ErrorCode, message: string };

type Refusal_InvalidInput_Fragment = { __typename?: 'InvalidInput', code: ErrorCode, message: string };

type Refusal_InvalidResetToken_Fragment = { __typename?: 'InvalidResetToken', code: ErrorCode, message: string };

type Refusal_NotFound_Fragment = { __typename?: 'NotFound', code: ErrorCode, message: string };

type Refusal_PasswordPolicyViolation_Fragment = { __typename?: 'PasswordPolicyViolation', code: ErrorCode, message: string };

type Refusal_ReauthenticationRequired_Fragment = { __typename?: 'ReauthenticationRequired', code: ErrorCode, message: string };

type Refusal_TooManyAttempts_Fragment = { __typename?: 'TooManyAttempts', retryAfterSeconds: number, code: ErrorCode, message: string };

type Refusal_TotpAlreadyEnabled_Fragment = { __typename?: 'TotpAlreadyEnabled', code: ErrorCode, message: string };

type Refusal_TotpNotEnabled_Fragment = { __typename?: 'TotpNotEnabled', code: ErrorCode, message: string };

type Refusal_TotpSetupNotStarted_Fragment = { __typename?: 'TotpSetupNotStarted', code: ErrorCode, message: string };

export type RefusalFragment =
  | Refusal_AccountLocked_Fragment
  | Refusal_ChallengeExpired_Fragment
  | Refusal_EmailTaken_Fragment
  | Refusal_InvalidCode_Fragment
  | Refusal_InvalidCredentials_Fragment
  | Refusal_InvalidEmail_Fragment
  | Refusal_InvalidInput_Fragment
  | Refusal_InvalidResetToken_Fragment
  | Refusal_NotFound_Fragment
  | Refusal_PasswordPolicyViolation_Fragment
  | Refusal_ReauthenticationRequired_Fragment
  | Refusal_TooManyAttempts_Fragment
  | Refusal_TotpAlreadyEnabled_Fragment
  | Refusal_TotpNotEnabled_Fragment
  | Refusal_TotpSetupNotStarted_Fragment
;

export const SessionRowFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"SessionRow"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Session"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"client"}},{"kind":"Field","name":{"kind":"Name","value":"device"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"browser"}},{"kind":"Field","name":{"kind":"Name","value":"os"}}]}},{"kind":"Field","name":{"kind":"Name","value":"location"}},{"kind":"Field","name":{"kind":"Name","value":"ipAddress"}},{"kind":"Field","name":{"kind":"Name","value":"lastActiveAt"}},{"kind":"Field","name":{"kind":"Name","value":"current"}}]}}]} as unknown as DocumentNode<SessionRowFragment, unknown>;
export const RefusalFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"Refusal"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Error"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"AccountLocked"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"retryAfterSeconds"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"TooManyAttempts"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"retryAfterSeconds"}}]}}]}}]} as unknown as DocumentNode<RefusalFragment, unknown>;
export const ViewerDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Viewer"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"me"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"email"}}]}}]}}]} as unknown as DocumentNode<ViewerQuery, ViewerQueryVariables>;
export const SignOutDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"SignOut"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"signOut"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}}]}}]}}]} as unknown as DocumentNode<SignOutMutation, SignOutMutationVariables>;
export const ReauthenticateDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"Reauthenticate"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ReauthenticateInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"reauthenticate"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Reauthenticated"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"until"}},{"kind":"Field","name":{"kind":"Name","value":"session"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"authenticatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"reauthenticationExpiresAt"}}]}}]}},{"kind":"FragmentSpread","name":{"kind":"Name","value":"Refusal"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"Refusal"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Error"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"AccountLocked"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"retryAfterSeconds"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"TooManyAttempts"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"retryAfterSeconds"}}]}}]}}]} as unknown as DocumentNode<ReauthenticateMutation, ReauthenticateMutationVariables>;
export const ReauthWindowDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ReauthWindow"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"activeSessions"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"current"}},{"kind":"Field","name":{"kind":"Name","value":"reauthenticationExpiresAt"}}]}}]}}]} as unknown as DocumentNode<ReauthWindowQuery, ReauthWindowQueryVariables>;
export const ApiKeysDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ApiKeys"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"apiKeys"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"prefix"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"lastUsedAt"}},{"kind":"Field","name":{"kind":"Name","value":"expiresAt"}}]}}]}}]} as unknown as DocumentNode<ApiKeysQuery, ApiKeysQueryVariables>;
export const CreateApiKeyDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CreateApiKey"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CreateApiKeyInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createApiKey"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ApiKeyCreated"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"secret"}},{"kind":"Field","name":{"kind":"Name","value":"apiKey"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Error"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<CreateApiKeyMutation, CreateApiKeyMutationVariables>;
export const RevokeApiKeyDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RevokeApiKey"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"revokeApiKey"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ApiKeyRevoked"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"apiKey"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Error"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<RevokeApiKeyMutation, RevokeApiKeyMutationVariables>;
export const KnownDevicesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"KnownDevices"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"knownDevices"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"client"}},{"kind":"Field","name":{"kind":"Name","value":"device"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"browser"}},{"kind":"Field","name":{"kind":"Name","value":"os"}}]}},{"kind":"Field","name":{"kind":"Name","value":"location"}},{"kind":"Field","name":{"kind":"Name","value":"ipAddress"}},{"kind":"Field","name":{"kind":"Name","value":"lastUsedAt"}}]}}]}}]} as unknown as DocumentNode<KnownDevicesQuery, KnownDevicesQueryVariables>;
export const ForgetDeviceDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ForgetDevice"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"forgetDevice"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"DeviceForgotten"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"knownDevice"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Error"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<ForgetDeviceMutation, ForgetDeviceMutationVariables>;
export const AccountNameDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"AccountName"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"me"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"email"}}]}}]}}]} as unknown as DocumentNode<AccountNameQuery, AccountNameQueryVariables>;
export const ChangePasswordDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ChangePassword"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ChangePasswordInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"changePassword"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"PasswordChanged"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"signedOutSessions"}},{"kind":"Field","name":{"kind":"Name","value":"account"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"passwordChangedAt"}}]}}]}},{"kind":"FragmentSpread","name":{"kind":"Name","value":"Refusal"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"Refusal"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Error"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"AccountLocked"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"retryAfterSeconds"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"TooManyAttempts"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"retryAfterSeconds"}}]}}]}}]} as unknown as DocumentNode<ChangePasswordMutation, ChangePasswordMutationVariables>;
export const RequestPasswordResetDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RequestPasswordReset"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"RequestPasswordResetInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"requestPasswordReset"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"PasswordResetRequested"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"message"}}]}},{"kind":"FragmentSpread","name":{"kind":"Name","value":"Refusal"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"Refusal"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Error"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"AccountLocked"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"retryAfterSeconds"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"TooManyAttempts"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"retryAfterSeconds"}}]}}]}}]} as unknown as DocumentNode<RequestPasswordResetMutation, RequestPasswordResetMutationVariables>;
export const ResetPasswordDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ResetPassword"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ResetPasswordInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"resetPassword"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"PasswordReset"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"signedOutSessions"}}]}},{"kind":"FragmentSpread","name":{"kind":"Name","value":"Refusal"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"Refusal"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Error"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"AccountLocked"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"retryAfterSeconds"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"TooManyAttempts"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"retryAfterSeconds"}}]}}]}}]} as unknown as DocumentNode<ResetPasswordMutation, ResetPasswordMutationVariables>;
export const SecurityEventsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"SecurityEvents"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"securityEvents"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"occurredAt"}},{"kind":"Field","name":{"kind":"Name","value":"ipAddress"}},{"kind":"Field","name":{"kind":"Name","value":"location"}},{"kind":"Field","name":{"kind":"Name","value":"device"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"browser"}},{"kind":"Field","name":{"kind":"Name","value":"os"}}]}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}}]}}]}}]} as unknown as DocumentNode<SecurityEventsQuery, SecurityEventsQueryVariables>;
export const ActiveSessionsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"ActiveSessions"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"activeSessions"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"SessionRow"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"SessionRow"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Session"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"client"}},{"kind":"Field","name":{"kind":"Name","value":"device"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"browser"}},{"kind":"Field","name":{"kind":"Name","value":"os"}}]}},{"kind":"Field","name":{"kind":"Name","value":"location"}},{"kind":"Field","name":{"kind":"Name","value":"ipAddress"}},{"kind":"Field","name":{"kind":"Name","value":"lastActiveAt"}},{"kind":"Field","name":{"kind":"Name","value":"current"}}]}}]} as unknown as DocumentNode<ActiveSessionsSubscription, ActiveSessionsSubscriptionVariables>;
export const ActiveSessionsNowDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ActiveSessionsNow"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"activeSessions"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"SessionRow"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"SessionRow"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Session"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"client"}},{"kind":"Field","name":{"kind":"Name","value":"device"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"browser"}},{"kind":"Field","name":{"kind":"Name","value":"os"}}]}},{"kind":"Field","name":{"kind":"Name","value":"location"}},{"kind":"Field","name":{"kind":"Name","value":"ipAddress"}},{"kind":"Field","name":{"kind":"Name","value":"lastActiveAt"}},{"kind":"Field","name":{"kind":"Name","value":"current"}}]}}]} as unknown as DocumentNode<ActiveSessionsNowQuery, ActiveSessionsNowQueryVariables>;
export const RevokeSessionDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RevokeSession"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"revokeSession"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"SessionRevoked"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"session"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Error"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<RevokeSessionMutation, RevokeSessionMutationVariables>;
export const RevokeAllOtherSessionsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RevokeAllOtherSessions"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"revokeAllOtherSessions"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"SessionsRevoked"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"count"}},{"kind":"Field","name":{"kind":"Name","value":"sessions"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}}]}}]}}]} as unknown as DocumentNode<RevokeAllOtherSessionsMutation, RevokeAllOtherSessionsMutationVariables>;
export const SignOutEverywhereDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"SignOutEverywhere"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"signOutEverywhere"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"SessionsRevoked"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"count"}},{"kind":"Field","name":{"kind":"Name","value":"sessions"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}}]}}]}}]} as unknown as DocumentNode<SignOutEverywhereMutation, SignOutEverywhereMutationVariables>;
export const SignInDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"SignIn"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"SignInInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"signIn"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"TwoFactorRequired"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"challenge"}}]}},{"kind":"FragmentSpread","name":{"kind":"Name","value":"Refusal"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"Refusal"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Error"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"AccountLocked"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"retryAfterSeconds"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"TooManyAttempts"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"retryAfterSeconds"}}]}}]}}]} as unknown as DocumentNode<SignInMutation, SignInMutationVariables>;
export const SignUpDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"SignUp"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"SignUpInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"signUp"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"FragmentSpread","name":{"kind":"Name","value":"Refusal"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"Refusal"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Error"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"AccountLocked"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"retryAfterSeconds"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"TooManyAttempts"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"retryAfterSeconds"}}]}}]}}]} as unknown as DocumentNode<SignUpMutation, SignUpMutationVariables>;
export const VerifyTwoFactorDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"VerifyTwoFactor"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"VerifyTwoFactorInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"verifyTwoFactor"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"FragmentSpread","name":{"kind":"Name","value":"Refusal"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"Refusal"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Error"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"AccountLocked"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"retryAfterSeconds"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"TooManyAttempts"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"retryAfterSeconds"}}]}}]}}]} as unknown as DocumentNode<VerifyTwoFactorMutation, VerifyTwoFactorMutationVariables>;
export const TwoFactorStatusDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"TwoFactorStatus"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"me"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"email"}},{"kind":"Field","name":{"kind":"Name","value":"twoFactorEnabled"}},{"kind":"Field","name":{"kind":"Name","value":"backupCodesRemaining"}}]}}]}}]} as unknown as DocumentNode<TwoFactorStatusQuery, TwoFactorStatusQueryVariables>;
export const StartTotpSetupDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"StartTotpSetup"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"startTotpSetup"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"TotpSetup"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"secret"}},{"kind":"Field","name":{"kind":"Name","value":"qrCodeSvg"}},{"kind":"Field","name":{"kind":"Name","value":"backupCodes"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Error"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<StartTotpSetupMutation, StartTotpSetupMutationVariables>;
export const EnableTotpDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"EnableTotp"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"EnableTotpInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"enableTotp"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"TotpEnabled"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"account"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"twoFactorEnabled"}},{"kind":"Field","name":{"kind":"Name","value":"backupCodesRemaining"}}]}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Error"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<EnableTotpMutation, EnableTotpMutationVariables>;
export const DisableTotpDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"DisableTotp"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"DisableTotpInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"disableTotp"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"TotpDisabled"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"account"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"twoFactorEnabled"}},{"kind":"Field","name":{"kind":"Name","value":"backupCodesRemaining"}}]}}]}},{"kind":"FragmentSpread","name":{"kind":"Name","value":"Refusal"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"Refusal"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Error"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"AccountLocked"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"retryAfterSeconds"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"TooManyAttempts"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"retryAfterSeconds"}}]}}]}}]} as unknown as DocumentNode<DisableTotpMutation, DisableTotpMutationVariables>;
export const RegenerateBackupCodesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RegenerateBackupCodes"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"RegenerateBackupCodesInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"regenerateBackupCodes"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"BackupCodes"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"codes"}}]}},{"kind":"FragmentSpread","name":{"kind":"Name","value":"Refusal"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"Refusal"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Error"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"AccountLocked"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"retryAfterSeconds"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"TooManyAttempts"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"retryAfterSeconds"}}]}}]}}]} as unknown as DocumentNode<RegenerateBackupCodesMutation, RegenerateBackupCodesMutationVariables>;
export const PasswordPolicyDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"PasswordPolicy"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"passwordPolicy"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"minLength"}},{"kind":"Field","name":{"kind":"Name","value":"maxLength"}},{"kind":"Field","name":{"kind":"Name","value":"historySize"}}]}}]}}]} as unknown as DocumentNode<PasswordPolicyQuery, PasswordPolicyQueryVariables>;