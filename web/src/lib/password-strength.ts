// A strength hint from zxcvbn-ts, never a rule: the server accepts any password of the right length.

/** What the form shows under a new password. */
export interface Strength {
  score: number;
  label: string;
  advice: string | null;
}

const LABELS = ["Very weak", "Weak", "Fair", "Strong", "Very strong"] as const;

/** The hint for a zxcvbn result: a label for its 0–4 score and its most useful advice, if any. */
export function strengthOf(result: { score: number; feedback: { warning: string | null; suggestions: string[] } }): Strength {
  const score = Math.min(4, Math.max(0, Math.round(result.score)));
  return { score, label: LABELS[score] ?? "Very weak", advice: result.feedback.warning ?? result.feedback.suggestions[0] ?? null };
}

// The dictionaries are large: loaded (once) only when someone types a new password.
let estimator: Promise<(password: string, userInputs: string[]) => Strength> | null = null;

/** The strength of `password`, counting words from `userInputs` (e.g. the email) as easy guesses. */
export async function estimateStrength(password: string, userInputs: string[] = []): Promise<Strength> {
  estimator ??= import("./zxcvbn").then(({ check }) => (candidate: string, inputs: string[]) => strengthOf(check(candidate, inputs)));
  return (await estimator)(password, userInputs);
}
