import { describe, expect, it } from "vitest";

import { resetTokenIn } from "./reset-link";

describe("resetTokenIn", () => {
  it.each([
    ["#reset=abcDEF123_-", "abcDEF123_-"],
    ["#reset=", null],
    ["", null],
    ["#other=abc", null],
    ["#reset=abc def", null],
    ["#reset=abc&x=1", null],
    [`#reset=${"a".repeat(129)}`, null],
  ])("%s gives %s", (hash, token) => {
    expect(resetTokenIn(hash)).toBe(token);
  });
});
