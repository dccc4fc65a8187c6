import { useCallback, useEffect, useRef, useState, type SyntheticEvent } from "react";
import { Link } from "react-router";
import { useMutation } from "urql";

import { Countdown, ErrorNotice, Field } from "../../components";
import { refusalOf, type Refusal } from "../../lib/refusal";
import { RequestPasswordResetMutation } from "./operations";

/** "Forgot password?": ask for a reset link by mail; the answer is the same whether or not the account exists. */
export function ForgotPasswordPage() {
  const [email, setEmail] = useState("");
  const [sent, setSent] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  const [request, runRequest] = useMutation(RequestPasswordResetMutation);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    heading.current?.focus();
  }, []);
  const waitOver = useCallback(() => {
    setRefusal(null);
  }, []);

  const submit = async (event: SyntheticEvent) => {
    event.preventDefault();
    const { data } = await runRequest({ input: { email } });
    const result = data?.requestPasswordReset;
    setError(null);
    if (!result) setError("The service could not be reached. Try again.");
    else if (result.__typename === "PasswordResetRequested") setSent(result.message);
    else {
      setRefusal(refusalOf(result, Date.now()));
      if (!refusalOf(result, Date.now())) setError(result.message);
    }
  };

  return (
    <main className="narrow">
      <h1 ref={heading} tabIndex={-1}>
        Reset your password
      </h1>
      {sent ? (
        <p role="status" className="notice notice-info">
          {sent}
        </p>
      ) : (
        <form onSubmit={(event) => void submit(event)}>
          {refusal ? <Countdown message={refusal.message} until={refusal.until} onDone={waitOver} /> : null}
          <ErrorNotice>{error}</ErrorNotice>
          <Field
            label="Email"
            type="email"
            name="email"
            autoComplete="username"
            required
            hint="We will mail a link to reset the password if an account uses this address."
            value={email}
            onChange={(e) => {
              setEmail(e.target.value);
            }}
          />
          <button type="submit" className="button primary" disabled={request.fetching || refusal !== null}>
            Send reset link
          </button>
        </form>
      )}
      <p>
        <Link to="/sign-in">Back to sign in</Link>
      </p>
    </main>
  );
}
