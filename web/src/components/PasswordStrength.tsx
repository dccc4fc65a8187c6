import { useEffect, useState } from "react";

import { estimateStrength, type Strength } from "../lib/password-strength";

/** A live strength hint under a new-password field; nothing while it is empty. */
export function PasswordStrength({ password, userInputs }: { password: string; userInputs: string[] }) {
  const [strength, setStrength] = useState<{ for: string; value: Strength } | null>(null);
  const inputs = userInputs.join("\n");
  useEffect(() => {
    let current = true;
    if (password) {
      void estimateStrength(password, inputs.split("\n")).then((value) => {
        if (current) setStrength({ for: password, value });
      });
    }
    return () => {
      current = false;
    };
  }, [password, inputs]);
  if (!password || strength?.for !== password) return null;
  const { score, label, advice } = strength.value;
  return (
    <p className={`strength strength-${score}`} aria-live="polite">
      Strength: <strong>{label}</strong>
      {advice ? ` — ${advice}` : null}
    </p>
  );
}
