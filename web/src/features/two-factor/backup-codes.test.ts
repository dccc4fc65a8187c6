import { expect, it } from "vitest";

import { backupCodesText } from "./backup-codes";

it("lists every code on its own line", () => {
  const text = backupCodesText(["AAAA-BBBB", "CCCC-DDDD"], "ada@example.com");
  expect(text.split("\n")).toEqual([
    "Workestra backup codes for ada@example.com",
    "Each code signs you in once when you cannot use your authenticator app.",
    "",
    "AAAA-BBBB",
    "CCCC-DDDD",
    "",
  ]);
});
