/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  query Viewer {\n    me {\n      id\n      email\n    }\n  }\n": typeof types.ViewerDocument,
    "\n  mutation SignOut {\n    signOut {\n      __typename\n    }\n  }\n": typeof types.SignOutDocument,
    "\n  mutation Reauthenticate($input: ReauthenticateInput!) {\n    reauthenticate(input: $input) {\n      __typename\n      ... on Reauthenticated {\n        until\n        session {\n          id\n          authenticatedAt\n          reauthenticationExpiresAt\n        }\n      }\n      ...Refusal\n    }\n  }\n": typeof types.ReauthenticateDocument,
    "\n  query ReauthWindow {\n    activeSessions {\n      id\n      current\n      reauthenticationExpiresAt\n    }\n  }\n": typeof types.ReauthWindowDocument,
    "\n  query ApiKeys {\n    apiKeys {\n      id\n      name\n      prefix\n      createdAt\n      lastUsedAt\n      expiresAt\n    }\n  }\n": typeof types.ApiKeysDocument,
    "\n  mutation CreateApiKey($input: CreateApiKeyInput!) {\n    createApiKey(input: $input) {\n      __typename\n      ... on ApiKeyCreated {\n        secret\n        apiKey {\n          id\n          name\n        }\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n": typeof types.CreateApiKeyDocument,
    "\n  mutation RevokeApiKey($id: ID!) {\n    revokeApiKey(id: $id) {\n      __typename\n      ... on ApiKeyRevoked {\n        apiKey {\n          id\n        }\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n": typeof types.RevokeApiKeyDocument,
    "\n  query KnownDevices {\n    knownDevices {\n      id\n      client\n      device {\n        browser\n        os\n      }\n      location\n      ipAddress\n      lastUsedAt\n    }\n  }\n": typeof types.KnownDevicesDocument,
    "\n  mutation ForgetDevice($id: ID!) {\n    forgetDevice(id: $id) {\n      __typename\n      ... on DeviceForgotten {\n        knownDevice {\n          id\n        }\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n": typeof types.ForgetDeviceDocument,
    "\n  query AccountName {\n    me {\n      id\n      email\n    }\n  }\n": typeof types.AccountNameDocument,
    "\n  mutation ChangePassword($input: ChangePasswordInput!) {\n    changePassword(input: $input) {\n      __typename\n      ... on PasswordChanged {\n        signedOutSessions\n        account {\n          id\n          passwordChangedAt\n        }\n      }\n      ...Refusal\n    }\n  }\n": typeof types.ChangePasswordDocument,
    "\n  mutation RequestPasswordReset($input: RequestPasswordResetInput!) {\n    requestPasswordReset(input: $input) {\n      __typename\n      ... on PasswordResetRequested {\n        message\n      }\n      ...Refusal\n    }\n  }\n": typeof types.RequestPasswordResetDocument,
    "\n  mutation ResetPassword($input: ResetPasswordInput!) {\n    resetPassword(input: $input) {\n      __typename\n      ... on PasswordReset {\n        signedOutSessions\n      }\n      ...Refusal\n    }\n  }\n": typeof types.ResetPasswordDocument,
    "\n  query SecurityEvents($first: Int!, $after: String) {\n    securityEvents(first: $first, after: $after) {\n      edges {\n        cursor\n        node {\n          id\n          type\n          occurredAt\n          ipAddress\n          location\n          device {\n            browser\n            os\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": typeof types.SecurityEventsDocument,
    "\n  fragment SessionRow on Session {\n    id\n    client\n    device {\n      browser\n      os\n    }\n    location\n    ipAddress\n    lastActiveAt\n    current\n  }\n": typeof types.SessionRowFragmentDoc,
    "\n  subscription ActiveSessions {\n    activeSessions {\n      ...SessionRow\n    }\n  }\n": typeof types.ActiveSessionsDocument,
    "\n  query ActiveSessionsNow {\n    activeSessions {\n      ...SessionRow\n    }\n  }\n": typeof types.ActiveSessionsNowDocument,
    "\n  mutation RevokeSession($id: ID!) {\n    revokeSession(id: $id) {\n      __typename\n      ... on SessionRevoked {\n        session {\n          id\n        }\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n": typeof types.RevokeSessionDocument,
    "\n  mutation RevokeAllOtherSessions {\n    revokeAllOtherSessions {\n      ... on SessionsRevoked {\n        count\n        sessions {\n          id\n        }\n      }\n    }\n  }\n": typeof types.RevokeAllOtherSessionsDocument,
    "\n  mutation SignOutEverywhere {\n    signOutEverywhere {\n      ... on SessionsRevoked {\n        count\n        sessions {\n          id\n        }\n      }\n    }\n  }\n": typeof types.SignOutEverywhereDocument,
    "\n  mutation SignIn($input: SignInInput!) {\n    signIn(input: $input) {\n      __typename\n      ... on TwoFactorRequired {\n        challenge\n      }\n      ...Refusal\n    }\n  }\n": typeof types.SignInDocument,
    "\n  mutation SignUp($input: SignUpInput!) {\n    signUp(input: $input) {\n      __typename\n      ...Refusal\n    }\n  }\n": typeof types.SignUpDocument,
    "\n  mutation VerifyTwoFactor($input: VerifyTwoFactorInput!) {\n    verifyTwoFactor(input: $input) {\n      __typename\n      ...Refusal\n    }\n  }\n": typeof types.VerifyTwoFactorDocument,
    "\n  query TwoFactorStatus {\n    me {\n      id\n      email\n      twoFactorEnabled\n      backupCodesRemaining\n    }\n  }\n": typeof types.TwoFactorStatusDocument,
    "\n  mutation StartTotpSetup {\n    startTotpSetup {\n      __typename\n      ... on TotpSetup {\n        secret\n        qrCodeSvg\n        backupCodes\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n": typeof types.StartTotpSetupDocument,
    "\n  mutation EnableTotp($input: EnableTotpInput!) {\n    enableTotp(input: $input) {\n      __typename\n      ... on TotpEnabled {\n        account {\n          id\n          twoFactorEnabled\n          backupCodesRemaining\n        }\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n": typeof types.EnableTotpDocument,
    "\n  mutation DisableTotp($input: DisableTotpInput!) {\n    disableTotp(input: $input) {\n      __typename\n      ... on TotpDisabled {\n        account {\n          id\n          twoFactorEnabled\n          backupCodesRemaining\n        }\n      }\n      ...Refusal\n    }\n  }\n": typeof types.DisableTotpDocument,
    "\n  mutation RegenerateBackupCodes($input: RegenerateBackupCodesInput!) {\n    regenerateBackupCodes(input: $input) {\n      __typename\n      ... on BackupCodes {\n        codes\n      }\n      ...Refusal\n    }\n  }\n": typeof types.RegenerateBackupCodesDocument,
    "\n  query PasswordPolicy {\n    passwordPolicy {\n      minLength\n      maxLength\n      historySize\n    }\n  }\n": typeof types.PasswordPolicyDocument,
    "\n  fragment Refusal on Error {\n    code\n    message\n    ... on AccountLocked {\n      retryAfterSeconds\n    }\n    ... on TooManyAttempts {\n      retryAfterSeconds\n    }\n  }\n": typeof types.RefusalFragmentDoc,
};
const documents: Documents = {
    "\n  query Viewer {\n    me {\n      id\n      email\n    }\n  }\n": types.ViewerDocument,
    "\n  mutation SignOut {\n    signOut {\n      __typename\n    }\n  }\n": types.SignOutDocument,
    "\n  mutation Reauthenticate($input: ReauthenticateInput!) {\n    reauthenticate(input: $input) {\n      __typename\n      ... on Reauthenticated {\n        until\n        session {\n          id\n          authenticatedAt\n          reauthenticationExpiresAt\n        }\n      }\n      ...Refusal\n    }\n  }\n": types.ReauthenticateDocument,
    "\n  query ReauthWindow {\n    activeSessions {\n      id\n      current\n      reauthenticationExpiresAt\n    }\n  }\n": types.ReauthWindowDocument,
    "\n  query ApiKeys {\n    apiKeys {\n      id\n      name\n      prefix\n      createdAt\n      lastUsedAt\n      expiresAt\n    }\n  }\n": types.ApiKeysDocument,
    "\n  mutation CreateApiKey($input: CreateApiKeyInput!) {\n    createApiKey(input: $input) {\n      __typename\n      ... on ApiKeyCreated {\n        secret\n        apiKey {\n          id\n          name\n        }\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n": types.CreateApiKeyDocument,
    "\n  mutation RevokeApiKey($id: ID!) {\n    revokeApiKey(id: $id) {\n      __typename\n      ... on ApiKeyRevoked {\n        apiKey {\n          id\n        }\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n": types.RevokeApiKeyDocument,
    "\n  query KnownDevices {\n    knownDevices {\n      id\n      client\n      device {\n        browser\n        os\n      }\n      location\n      ipAddress\n      lastUsedAt\n    }\n  }\n": types.KnownDevicesDocument,
    "\n  mutation ForgetDevice($id: ID!) {\n    forgetDevice(id: $id) {\n      __typename\n      ... on DeviceForgotten {\n        knownDevice {\n          id\n        }\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n": types.ForgetDeviceDocument,
    "\n  query AccountName {\n    me {\n      id\n      email\n    }\n  }\n": types.AccountNameDocument,
    "\n  mutation ChangePassword($input: ChangePasswordInput!) {\n    changePassword(input: $input) {\n      __typename\n      ... on PasswordChanged {\n        signedOutSessions\n        account {\n          id\n          passwordChangedAt\n        }\n      }\n      ...Refusal\n    }\n  }\n": types.ChangePasswordDocument,
    "\n  mutation RequestPasswordReset($input: RequestPasswordResetInput!) {\n    requestPasswordReset(input: $input) {\n      __typename\n      ... on PasswordResetRequested {\n        message\n      }\n      ...Refusal\n    }\n  }\n": types.RequestPasswordResetDocument,
    "\n  mutation ResetPassword($input: ResetPasswordInput!) {\n    resetPassword(input: $input) {\n      __typename\n      ... on PasswordReset {\n        signedOutSessions\n      }\n      ...Refusal\n    }\n  }\n": types.ResetPasswordDocument,
    "\n  query SecurityEvents($first: Int!, $after: String) {\n    securityEvents(first: $first, after: $after) {\n      edges {\n        cursor\n        node {\n          id\n          type\n          occurredAt\n          ipAddress\n          location\n          device {\n            browser\n            os\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": types.SecurityEventsDocument,
    "\n  fragment SessionRow on Session {\n    id\n    client\n    device {\n      browser\n      os\n    }\n    location\n    ipAddress\n    lastActiveAt\n    current\n  }\n": types.SessionRowFragmentDoc,
    "\n  subscription ActiveSessions {\n    activeSessions {\n      ...SessionRow\n    }\n  }\n": types.ActiveSessionsDocument,
    "\n  query ActiveSessionsNow {\n    activeSessions {\n      ...SessionRow\n    }\n  }\n": types.ActiveSessionsNowDocument,
    "\n  mutation RevokeSession($id: ID!) {\n    revokeSession(id: $id) {\n      __typename\n      ... on SessionRevoked {\n        session {\n          id\n        }\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n": types.RevokeSessionDocument,
    "\n  mutation RevokeAllOtherSessions {\n    revokeAllOtherSessions {\n      ... on SessionsRevoked {\n        count\n        sessions {\n          id\n        }\n      }\n    }\n  }\n": types.RevokeAllOtherSessionsDocument,
    "\n  mutation SignOutEverywhere {\n    signOutEverywhere {\n      ... on SessionsRevoked {\n        count\n        sessions {\n          id\n        }\n      }\n    }\n  }\n": types.SignOutEverywhereDocument,
    "\n  mutation SignIn($input: SignInInput!) {\n    signIn(input: $input) {\n      __typename\n      ... on TwoFactorRequired {\n        challenge\n      }\n      ...Refusal\n    }\n  }\n": types.SignInDocument,
    "\n  mutation SignUp($input: SignUpInput!) {\n    signUp(input: $input) {\n      __typename\n      ...Refusal\n    }\n  }\n": types.SignUpDocument,
    "\n  mutation VerifyTwoFactor($input: VerifyTwoFactorInput!) {\n    verifyTwoFactor(input: $input) {\n      __typename\n      ...Refusal\n    }\n  }\n": types.VerifyTwoFactorDocument,
    "\n  query TwoFactorStatus {\n    me {\n      id\n      email\n      twoFactorEnabled\n      backupCodesRemaining\n    }\n  }\n": types.TwoFactorStatusDocument,
    "\n  mutation StartTotpSetup {\n    startTotpSetup {\n      __typename\n      ... on TotpSetup {\n        secret\n        qrCodeSvg\n        backupCodes\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n": types.StartTotpSetupDocument,
    "\n  mutation EnableTotp($input: EnableTotpInput!) {\n    enableTotp(input: $input) {\n      __typename\n      ... on TotpEnabled {\n        account {\n          id\n          twoFactorEnabled\n          backupCodesRemaining\n        }\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n": types.EnableTotpDocument,
    "\n  mutation DisableTotp($input: DisableTotpInput!) {\n    disableTotp(input: $input) {\n      __typename\n      ... on TotpDisabled {\n        account {\n          id\n          twoFactorEnabled\n          backupCodesRemaining\n        }\n      }\n      ...Refusal\n    }\n  }\n": types.DisableTotpDocument,
    "\n  mutation RegenerateBackupCodes($input: RegenerateBackupCodesInput!) {\n    regenerateBackupCodes(input: $input) {\n      __typename\n      ... on BackupCodes {\n        codes\n      }\n      ...Refusal\n    }\n  }\n": types.RegenerateBackupCodesDocument,
    "\n  query PasswordPolicy {\n    passwordPolicy {\n      minLength\n      maxLength\n      historySize\n    }\n  }\n": types.PasswordPolicyDocument,
    "\n  fragment Refusal on Error {\n    code\n    message\n    ... on AccountLocked {\n      retryAfterSeconds\n    }\n    ... on TooManyAttempts {\n      retryAfterSeconds\n    }\n  }\n": types.RefusalFragmentDoc,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Viewer {\n    me {\n      id\n      email\n    }\n  }\n"): (typeof documents)["\n  query Viewer {\n    me {\n      id\n      email\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SignOut {\n    signOut {\n      __typename\n    }\n  }\n"): (typeof documents)["\n  mutation SignOut {\n    signOut {\n      __typename\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Reauthenticate($input: ReauthenticateInput!) {\n    reauthenticate(input: $input) {\n      __typename\n      ... on Reauthenticated {\n        until\n        session {\n          id\n          authenticatedAt\n          reauthenticationExpiresAt\n        }\n      }\n      ...Refusal\n    }\n  }\n"): (typeof documents)["\n  mutation Reauthenticate($input: ReauthenticateInput!) {\n    reauthenticate(input: $input) {\n      __typename\n      ... on Reauthenticated {\n        until\n        session {\n          id\n          authenticatedAt\n          reauthenticationExpiresAt\n        }\n      }\n      ...Refusal\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ReauthWindow {\n    activeSessions {\n      id\n      current\n      reauthenticationExpiresAt\n    }\n  }\n"): (typeof documents)["\n  query ReauthWindow {\n    activeSessions {\n      id\n      current\n      reauthenticationExpiresAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ApiKeys {\n    apiKeys {\n      id\n      name\n      prefix\n      createdAt\n      lastUsedAt\n      expiresAt\n    }\n  }\n"): (typeof documents)["\n  query ApiKeys {\n    apiKeys {\n      id\n      name\n      prefix\n      createdAt\n      lastUsedAt\n      expiresAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateApiKey($input: CreateApiKeyInput!) {\n    createApiKey(input: $input) {\n      __typename\n      ... on ApiKeyCreated {\n        secret\n        apiKey {\n          id\n          name\n        }\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation CreateApiKey($input: CreateApiKeyInput!) {\n    createApiKey(input: $input) {\n      __typename\n      ... on ApiKeyCreated {\n        secret\n        apiKey {\n          id\n          name\n        }\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RevokeApiKey($id: ID!) {\n    revokeApiKey(id: $id) {\n      __typename\n      ... on ApiKeyRevoked {\n        apiKey {\n          id\n        }\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation RevokeApiKey($id: ID!) {\n    revokeApiKey(id: $id) {\n      __typename\n      ... on ApiKeyRevoked {\n        apiKey {\n          id\n        }\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query KnownDevices {\n    knownDevices {\n      id\n      client\n      device {\n        browser\n        os\n      }\n      location\n      ipAddress\n      lastUsedAt\n    }\n  }\n"): (typeof documents)["\n  query KnownDevices {\n    knownDevices {\n      id\n      client\n      device {\n        browser\n        os\n      }\n      location\n      ipAddress\n      lastUsedAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ForgetDevice($id: ID!) {\n    forgetDevice(id: $id) {\n      __typename\n      ... on DeviceForgotten {\n        knownDevice {\n          id\n        }\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation ForgetDevice($id: ID!) {\n    forgetDevice(id: $id) {\n      __typename\n      ... on DeviceForgotten {\n        knownDevice {\n          id\n        }\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AccountName {\n    me {\n      id\n      email\n    }\n  }\n"): (typeof documents)["\n  query AccountName {\n    me {\n      id\n      email\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ChangePassword($input: ChangePasswordInput!) {\n    changePassword(input: $input) {\n      __typename\n      ... on PasswordChanged {\n        signedOutSessions\n        account {\n          id\n          passwordChangedAt\n        }\n      }\n      ...Refusal\n    }\n  }\n"): (typeof documents)["\n  mutation ChangePassword($input: ChangePasswordInput!) {\n    changePassword(input: $input) {\n      __typename\n      ... on PasswordChanged {\n        signedOutSessions\n        account {\n          id\n          passwordChangedAt\n        }\n      }\n      ...Refusal\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RequestPasswordReset($input: RequestPasswordResetInput!) {\n    requestPasswordReset(input: $input) {\n      __typename\n      ... on PasswordResetRequested {\n        message\n      }\n      ...Refusal\n    }\n  }\n"): (typeof documents)["\n  mutation RequestPasswordReset($input: RequestPasswordResetInput!) {\n    requestPasswordReset(input: $input) {\n      __typename\n      ... on PasswordResetRequested {\n        message\n      }\n      ...Refusal\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ResetPassword($input: ResetPasswordInput!) {\n    resetPassword(input: $input) {\n      __typename\n      ... on PasswordReset {\n        signedOutSessions\n      }\n      ...Refusal\n    }\n  }\n"): (typeof documents)["\n  mutation ResetPassword($input: ResetPasswordInput!) {\n    resetPassword(input: $input) {\n      __typename\n      ... on PasswordReset {\n        signedOutSessions\n      }\n      ...Refusal\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query SecurityEvents($first: Int!, $after: String) {\n    securityEvents(first: $first, after: $after) {\n      edges {\n        cursor\n        node {\n          id\n          type\n          occurredAt\n          ipAddress\n          location\n          device {\n            browser\n            os\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"): (typeof documents)["\n  query SecurityEvents($first: Int!, $after: String) {\n    securityEvents(first: $first, after: $after) {\n      edges {\n        cursor\n        node {\n          id\n          type\n          occurredAt\n          ipAddress\n          location\n          device {\n            browser\n            os\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment SessionRow on Session {\n    id\n    client\n    device {\n      browser\n      os\n    }\n    location\n    ipAddress\n    lastActiveAt\n    current\n  }\n"): (typeof documents)["\n  fragment SessionRow on Session {\n    id\n    client\n    device {\n      browser\n      os\n    }\n    location\n    ipAddress\n    lastActiveAt\n    current\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription ActiveSessions {\n    activeSessions {\n      ...SessionRow\n    }\n  }\n"): (typeof documents)["\n  subscription ActiveSessions {\n    activeSessions {\n      ...SessionRow\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ActiveSessionsNow {\n    activeSessions {\n      ...SessionRow\n    }\n  }\n"): (typeof documents)["\n  query ActiveSessionsNow {\n    activeSessions {\n      ...SessionRow\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RevokeSession($id: ID!) {\n    revokeSession(id: $id) {\n      __typename\n      ... on SessionRevoked {\n        session {\n          id\n        }\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation RevokeSession($id: ID!) {\n    revokeSession(id: $id) {\n      __typename\n      ... on SessionRevoked {\n        session {\n          id\n        }\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RevokeAllOtherSessions {\n    revokeAllOtherSessions {\n      ... on SessionsRevoked {\n        count\n        sessions {\n          id\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation RevokeAllOtherSessions {\n    revokeAllOtherSessions {\n      ... on SessionsRevoked {\n        count\n        sessions {\n          id\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SignOutEverywhere {\n    signOutEverywhere {\n      ... on SessionsRevoked {\n        count\n        sessions {\n          id\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation SignOutEverywhere {\n    signOutEverywhere {\n      ... on SessionsRevoked {\n        count\n        sessions {\n          id\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SignIn($input: SignInInput!) {\n    signIn(input: $input) {\n      __typename\n      ... on TwoFactorRequired {\n        challenge\n      }\n      ...Refusal\n    }\n  }\n"): (typeof documents)["\n  mutation SignIn($input: SignInInput!) {\n    signIn(input: $input) {\n      __typename\n      ... on TwoFactorRequired {\n        challenge\n      }\n      ...Refusal\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SignUp($input: SignUpInput!) {\n    signUp(input: $input) {\n      __typename\n      ...Refusal\n    }\n  }\n"): (typeof documents)["\n  mutation SignUp($input: SignUpInput!) {\n    signUp(input: $input) {\n      __typename\n      ...Refusal\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation VerifyTwoFactor($input: VerifyTwoFactorInput!) {\n    verifyTwoFactor(input: $input) {\n      __typename\n      ...Refusal\n    }\n  }\n"): (typeof documents)["\n  mutation VerifyTwoFactor($input: VerifyTwoFactorInput!) {\n    verifyTwoFactor(input: $input) {\n      __typename\n      ...Refusal\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query TwoFactorStatus {\n    me {\n      id\n      email\n      twoFactorEnabled\n      backupCodesRemaining\n    }\n  }\n"): (typeof documents)["\n  query TwoFactorStatus {\n    me {\n      id\n      email\n      twoFactorEnabled\n      backupCodesRemaining\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation StartTotpSetup {\n    startTotpSetup {\n      __typename\n      ... on TotpSetup {\n        secret\n        qrCodeSvg\n        backupCodes\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation StartTotpSetup {\n    startTotpSetup {\n      __typename\n      ... on TotpSetup {\n        secret\n        qrCodeSvg\n        backupCodes\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation EnableTotp($input: EnableTotpInput!) {\n    enableTotp(input: $input) {\n      __typename\n      ... on TotpEnabled {\n        account {\n          id\n          twoFactorEnabled\n          backupCodesRemaining\n        }\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation EnableTotp($input: EnableTotpInput!) {\n    enableTotp(input: $input) {\n      __typename\n      ... on TotpEnabled {\n        account {\n          id\n          twoFactorEnabled\n          backupCodesRemaining\n        }\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DisableTotp($input: DisableTotpInput!) {\n    disableTotp(input: $input) {\n      __typename\n      ... on TotpDisabled {\n        account {\n          id\n          twoFactorEnabled\n          backupCodesRemaining\n        }\n      }\n      ...Refusal\n    }\n  }\n"): (typeof documents)["\n  mutation DisableTotp($input: DisableTotpInput!) {\n    disableTotp(input: $input) {\n      __typename\n      ... on TotpDisabled {\n        account {\n          id\n          twoFactorEnabled\n          backupCodesRemaining\n        }\n      }\n      ...Refusal\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RegenerateBackupCodes($input: RegenerateBackupCodesInput!) {\n    regenerateBackupCodes(input: $input) {\n      __typename\n      ... on BackupCodes {\n        codes\n      }\n      ...Refusal\n    }\n  }\n"): (typeof documents)["\n  mutation RegenerateBackupCodes($input: RegenerateBackupCodesInput!) {\n    regenerateBackupCodes(input: $input) {\n      __typename\n      ... on BackupCodes {\n        codes\n      }\n      ...Refusal\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query PasswordPolicy {\n    passwordPolicy {\n      minLength\n      maxLength\n      historySize\n    }\n  }\n"): (typeof documents)["\n  query PasswordPolicy {\n    passwordPolicy {\n      minLength\n      maxLength\n      historySize\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment Refusal on Error {\n    code\n    message\n    ... on AccountLocked {\n      retryAfterSeconds\n    }\n    ... on TooManyAttempts {\n      retryAfterSeconds\n    }\n  }\n"): (typeof documents)["\n  fragment Refusal on Error {\n    code\n    message\n    ... on AccountLocked {\n      retryAfterSeconds\n    }\n    ... on TooManyAttempts {\n      retryAfterSeconds\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;