import { describe, expect, it } from "vitest";

import { estimateStrength, strengthOf } from "./password-strength";

describe("strengthOf", () => {
  it.each([
    [0, "Very weak"],
    [2, "Fair"],
    [4, "Very strong"],
    [7, "Very strong"],
    [-1, "Very weak"],
  ])("score %i → %s", (score, label) => {
    expect(strengthOf({ score, feedback: { warning: null, suggestions: [] } }).label).toBe(label);
  });

  it("prefers the warning, then the first suggestion", () => {
    expect(strengthOf({ score: 1, feedback: { warning: "Common.", suggestions: ["Add words."] } }).advice).toBe("Common.");
    expect(strengthOf({ score: 1, feedback: { warning: null, suggestions: ["Add words."] } }).advice).toBe("Add words.");
    expect(strengthOf({ score: 4, feedback: { warning: null, suggestions: [] } }).advice).toBeNull();
  });
});

// The first estimate loads zxcvbn's dictionaries (megabytes of word lists): seconds on a busy machine.
const LOADS_DICTIONARIES_MS = 30_000;

describe("estimateStrength", () => {
  it("finds common passwords weak and long random ones strong", async () => {
    expect((await estimateStrength("password12345678")).score).toBeLessThanOrEqual(1);
    expect((await estimateStrength("vB7#qLm2!xZ9pR4w-Tk")).score).toBe(4);
  }, LOADS_DICTIONARIES_MS);

  it("counts the user's own words as easy guesses", async () => {
    const alone = await estimateStrength("adalovelace1815");
    const known = await estimateStrength("adalovelace1815", ["adalovelace1815@example.com", "adalovelace1815"]);
    expect(known.score).toBeLessThanOrEqual(alone.score);
    expect(known.score).toBeLessThanOrEqual(1);
  });
});
