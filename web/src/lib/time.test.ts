import { describe, expect, it } from "vitest";

import { formatWait, relativeTime } from "./time";

const NOW = Date.UTC(2026, 11, 2, 12, 0, 0);
const MIN = 60_000;

describe("relativeTime", () => {
  it.each([
    [NOW, "just now"],
    [NOW - 44_000, "just now"],
    [NOW - 46_000, "1 minute ago"],
    [NOW - 5 * MIN, "5 minutes ago"],
    [NOW - 90 * MIN, "2 hours ago"],
    [NOW - 24 * 60 * MIN, "yesterday"],
    [NOW - 3 * 24 * 60 * MIN, "3 days ago"],
    [NOW + 7 * 24 * 60 * MIN, "next week"],
    [NOW - 400 * 24 * 60 * MIN, "last year"],
  ])("%s → %s", (then, expected) => {
    expect(relativeTime(then, NOW)).toBe(expected);
  });
});

describe("formatWait", () => {
  it.each([
    [0, "0 s"],
    [-3, "0 s"],
    [0.2, "1 s"],
    [16, "16 s"],
    [59, "59 s"],
    [60, "1 min 00 s"],
    [899, "14 min 59 s"],
    [900, "15 min 00 s"],
  ])("%s → %s", (seconds, expected) => {
    expect(formatWait(seconds)).toBe(expected);
  });
});
