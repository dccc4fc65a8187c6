// The backup codes as a text file the user keeps. Pure, so it is tested.

/** The .txt a user downloads: the codes one per line, with what they are for. */
export function backupCodesText(codes: readonly string[], account: string): string {
  return [
    `Workestra backup codes for ${account}`,
    "Each code signs you in once when you cannot use your authenticator app.",
    "",
    ...codes,
    "",
  ].join("\n");
}

/** Few enough backup codes left that the page warns. */
export const FEW_BACKUP_CODES = 3;
