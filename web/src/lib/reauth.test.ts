import { describe, expect, it } from "vitest";

import { asksForReauth, reauthInput, windowClosed } from "./reauth";

const NOW = Date.UTC(2026, 11, 3, 12, 0, 0);
const at = (ms: number) => new Date(ms).toISOString();

describe("windowClosed", () => {
  it.each([
    ["not loaded yet: the server decides", undefined, false],
    ["never opened", null, true],
    ["open for ten minutes", at(NOW + 600_000), false],
    ["closing within the margin", at(NOW + 4_000), true],
    ["closed a minute ago", at(NOW - 60_000), true],
    ["not a time", "yesterday-ish", true],
  ])("%s", (_label, expiresAt, closed) => {
    expect(windowClosed(expiresAt, NOW)).toBe(closed);
  });
});

describe("asksForReauth", () => {
  it.each([
    [{ __typename: "ReauthenticationRequired" }, true],
    [{ __typename: "ApiKeyCreated" }, false],
    [{ __typename: "InvalidInput" }, false],
    [{}, false],
    [null, false],
    [undefined, false],
  ])("%j → %s", (result, expected) => {
    expect(asksForReauth(result)).toBe(expected);
  });
});

describe("reauthInput", () => {
  it("sends the password as typed, and a code trimmed", () => {
    expect(reauthInput("  spaces stay  ", "password")).toEqual({ password: "  spaces stay  " });
    expect(reauthInput(" 123 456 ", "code")).toEqual({ code: "123 456" });
  });
});
