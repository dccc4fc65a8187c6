import { useCallback, useEffect, useRef, useState, type SyntheticEvent } from "react";
import { Link } from "react-router";
import { useMutation, useQuery } from "urql";

import { Countdown, ErrorNotice, Field, PasswordStrength } from "../../components";
import { PasswordPolicyQuery, passwordProblem } from "../../lib/password-rules";
import { refusalOf, type Refusal } from "../../lib/refusal";
import { ResetPasswordMutation } from "./operations";

const DONE = "Your password was reset and every device was signed out. Sign in with the new password.";

/** The form a reset link opens: a new password, and a two-factor code when the server asks for one. */
export function ResetPasswordPage({ token, onReset }: { token: string | null; onReset: (message: string) => void }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    heading.current?.focus();
  }, []);
  return (
    <main className="narrow">
      <h1 ref={heading} tabIndex={-1}>
        Choose a new password
      </h1>
      {token ? (
        <ResetForm token={token} onReset={onReset} />
      ) : (
        <p role="alert" className="notice notice-error">
          Open the link from the reset mail again, or <Link to="/forgot-password">ask for a new link</Link>.
        </p>
      )}
    </main>
  );
}

function ResetForm({ token, onReset }: { token: string; onReset: (message: string) => void }) {
  const [password, setPassword] = useState("");
  const [code, setCode] = useState("");
  const [codeNeeded, setCodeNeeded] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [linkDead, setLinkDead] = useState(false);
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  const [reset, runReset] = useMutation(ResetPasswordMutation);
  const [policy] = useQuery({ query: PasswordPolicyQuery });
  const rules = policy.data?.passwordPolicy;
  const problem = rules && password ? passwordProblem(password, rules) : null;
  const waitOver = useCallback(() => {
    setRefusal(null);
  }, []);

  const submit = async (event: SyntheticEvent) => {
    event.preventDefault();
    if (problem) return;
    const { data } = await runReset({ input: { token, newPassword: password, code: codeNeeded ? code : null } });
    const result = data?.resetPassword;
    setError(null);
    if (!result) {
      setError("The service could not be reached. Try again.");
      return;
    }
    if (result.__typename === "PasswordReset") {
      onReset(DONE);
      return;
    }
    if (result.__typename === "InvalidCode") setCodeNeeded(true);
    if (result.__typename === "InvalidResetToken") setLinkDead(true);
    setRefusal(refusalOf(result, Date.now()));
    if (!refusalOf(result, Date.now())) setError(result.message);
  };

  if (linkDead) {
    return (
      <p role="alert" className="notice notice-error">
        {error} <Link to="/forgot-password">Ask for a new link</Link>
      </p>
    );
  }
  return (
    <form onSubmit={(event) => void submit(event)}>
      {refusal ? <Countdown message={refusal.message} until={refusal.until} onDone={waitOver} /> : null}
      <ErrorNotice>{error}</ErrorNotice>
      <Field
        label="New password"
        type="password"
        name="new-password"
        autoComplete="new-password"
        required
        hint={rules ? `${rules.minLength} to ${rules.maxLength} characters, none of your last ${rules.historySize}.` : null}
        error={problem}
        value={password}
        onChange={(e) => {
          setPassword(e.target.value);
        }}
      />
      <PasswordStrength password={password} userInputs={["workestra"]} />
      {codeNeeded ? (
        <Field
          label="Authentication code"
          name="code"
          autoComplete="one-time-code"
          spellCheck={false}
          required
          hint="The 6-digit code from your authenticator app, or one of your backup codes."
          value={code}
          onChange={(e) => {
            setCode(e.target.value);
          }}
        />
      ) : null}
      <button type="submit" className="button primary" disabled={reset.fetching || refusal !== null}>
        Reset Password
      </button>
    </form>
  );
}
