import { useCallback, useState, type SyntheticEvent } from "react";
import { useMutation } from "urql";

import { graphql } from "../lib/gql";
import { reauthInput } from "../lib/reauth";
import { refusalOf, type Refusal } from "../lib/refusal";
import { Countdown } from "./Countdown";
import { Field } from "./Field";

const ReauthenticateMutation = graphql(`
  mutation Reauthenticate($input: ReauthenticateInput!) {
    reauthenticate(input: $input) {
      __typename
      ... on Reauthenticated {
        until
        session {
          id
          authenticatedAt
          reauthenticationExpiresAt
        }
      }
      ...Refusal
    }
  }
`);

/** "Confirm it's you": asks inline for the password (or a two-factor code), then lets the action go on. */
export function ReauthPrompt({ onConfirmed, onCancel }: { onConfirmed: () => void; onCancel: () => void }) {
  const [kind, setKind] = useState<"password" | "code">("password");
  const [secret, setSecret] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  const [state, run] = useMutation(ReauthenticateMutation);
  const waitOver = useCallback(() => {
    setRefusal(null);
  }, []);
  const submit = async (event: SyntheticEvent) => {
    event.preventDefault();
    const { data } = await run({ input: reauthInput(secret, kind) });
    const result = data?.reauthenticate;
    if (result?.__typename === "Reauthenticated") {
      setSecret("");
      onConfirmed();
      return;
    }
    const wait = result ? refusalOf(result, Date.now()) : null;
    setRefusal(wait);
    setError(wait ? null : result && "message" in result ? result.message : "That did not work. Try again.");
  };
  const password = kind === "password";
  return (
    <form className="reauth" aria-labelledby="reauth-heading" onSubmit={(event) => void submit(event)}>
      <h3 id="reauth-heading">Confirm it&apos;s you</h3>
      <p>For your security, enter your {password ? "password" : "two-factor code or a backup code"} again to continue.</p>
      <Field
        key={kind}
        label={password ? "Password" : "Two-factor code"}
        type={password ? "password" : "text"}
        autoComplete={password ? "current-password" : "one-time-code"}
        required
        autoFocus
        value={secret}
        error={error}
        onChange={(e) => { setSecret(e.target.value); }}
      />
      {refusal ? <Countdown message={refusal.message} until={refusal.until} onDone={waitOver} /> : null}
      <button type="submit" className="button primary" disabled={state.fetching || refusal !== null}>
        Confirm
      </button>
      <button type="button" className="button" onClick={() => { setKind(password ? "code" : "password"); setSecret(""); setError(null); }}>
        {password ? "Use a two-factor code instead" : "Use my password instead"}
      </button>
      <button type="button" className="button" onClick={onCancel}>
        Cancel
      </button>
    </form>
  );
}
