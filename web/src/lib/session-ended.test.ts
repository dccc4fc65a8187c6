import { describe, expect, it } from "vitest";

import { endNotice, endReason, mayReconnect } from "./session-ended";

describe("endReason", () => {
  it.each([
    [{ code: "SESSION_ENDED", reason: "REVOKED" }, "REVOKED"],
    [{ code: "SESSION_ENDED", reason: "PASSWORD_CHANGED" }, "PASSWORD_CHANGED"],
    [{ code: "SESSION_ENDED", reason: "toString" }, "UNKNOWN"],
    [{ code: "SESSION_ENDED", reason: 3 }, "UNKNOWN"],
    [{ code: "SESSION_ENDED" }, "UNKNOWN"],
    [undefined, "UNKNOWN"],
  ])("%j → %s", (extensions, expected) => {
    expect(endReason(extensions)).toBe(expected);
  });

  it("has a notice for every reason", () => {
    expect(endNotice("REVOKED")).toMatch(/revoked/);
    expect(endNotice("UNKNOWN")).toMatch(/ended/);
  });
});

describe("mayReconnect", () => {
  it.each([
    [4403, false],
    [1006, true],
    [1012, true],
    [undefined, true],
  ])("close %s → %s", (code, expected) => {
    expect(mayReconnect(code)).toBe(expected);
  });
});
