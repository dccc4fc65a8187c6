import { describe, expect, it } from "vitest";

import { passwordLength, passwordProblem } from "./password-rules";

const RULES = { minLength: 8, maxLength: 128 };

describe("passwordLength", () => {
  it.each([
    ["", 0],
    ["password", 8],
    ["😀😀😀😀😀😀😀😀", 8], // 16 UTF-16 units, 8 code points
    ["ﬁ", 2], // NFKC: the ligature becomes "fi"
    ["e\u0301", 1], // NFKC composes é
    ["a\u0000b", 3],
    ["①②", 2],
  ])("%j has %i code points", (password, expected) => {
    expect(passwordLength(password)).toBe(expected);
  });
});

describe("passwordProblem", () => {
  it.each([
    ["short", "At least 8 characters (now 5)."],
    ["😀".repeat(7), "At least 8 characters (now 7)."],
    ["😀".repeat(8), null],
    ["x".repeat(128), null],
    ["x".repeat(129), "At most 128 characters (now 129)."],
    ["correct horse battery staple", null],
  ])("%j → %j", (password, expected) => {
    expect(passwordProblem(password, RULES)).toBe(expected);
  });
});
