import { useCallback, useEffect, useRef, useState, type SyntheticEvent } from "react";
import { Link } from "react-router";
import { useMutation, useQuery } from "urql";

import { Countdown, ErrorNotice, Field, PasswordStrength } from "../../components";
import { refusalOf, type Refusal } from "../../lib/refusal";
import { PasswordPolicyQuery, passwordProblem } from "../../lib/password-rules";
import { SignInMutation, SignUpMutation, VerifyTwoFactorMutation } from "./operations";

/** Sign in (with the two-factor step when the account has it) or sign up; `onSignedIn` runs once signed in. */
export function SignInPage({ mode, notice, onSignedIn }: { mode: "sign-in" | "sign-up"; notice: string | null; onSignedIn: () => void }) {
  const [challenge, setChallenge] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const title = challenge ? "Two-factor authentication" : mode === "sign-in" ? "Sign in" : "Create your account";
  useEffect(() => {
    heading.current?.focus();
  }, [title]);
  const waitOver = useCallback(() => {
    setRefusal(null);
  }, []);

  const answered = (result: { __typename: string; message?: string; retryAfterSeconds?: number } | undefined) => {
    if (!result) {
      setError("The service could not be reached. Try again.");
      return;
    }
    setError(null);
    setRefusal(refusalOf(result, Date.now()));
    if (result.__typename === "SignedIn") onSignedIn();
    else if (result.__typename === "ChallengeExpired") {
      setChallenge(null);
      setError(result.message ?? "Sign in again.");
    } else if (!refusalOf(result, Date.now()) && result.__typename !== "TwoFactorRequired") setError(result.message ?? "That did not work.");
  };

  return (
    <main className="narrow">
      <h1 ref={heading} tabIndex={-1}>
        {title}
      </h1>
      {notice ? (
        <p role="status" className="notice notice-info">
          {notice}
        </p>
      ) : null}
      {refusal ? <Countdown message={refusal.message} until={refusal.until} onDone={waitOver} /> : null}
      <ErrorNotice>{error}</ErrorNotice>
      {challenge ? (
        <CodeStep
          challenge={challenge}
          waiting={refusal !== null}
          onAnswer={answered}
          onCancel={() => {
            setChallenge(null);
          }}
        />
      ) : (
        <PasswordStep mode={mode} waiting={refusal !== null} onAnswer={answered} onChallenge={setChallenge} />
      )}
    </main>
  );
}

type Answer = { __typename: string; message?: string; retryAfterSeconds?: number } | undefined;

function PasswordStep({
  mode,
  waiting,
  onAnswer,
  onChallenge,
}: {
  mode: "sign-in" | "sign-up";
  waiting: boolean;
  onAnswer: (result: Answer) => void;
  onChallenge: (challenge: string) => void;
}) {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [signIn, runSignIn] = useMutation(SignInMutation);
  const [signUp, runSignUp] = useMutation(SignUpMutation);
  const [policy] = useQuery({ query: PasswordPolicyQuery, pause: mode === "sign-in" });
  const rules = policy.data?.passwordPolicy;
  const problem = mode === "sign-up" && rules && password ? passwordProblem(password, rules) : null;

  const submit = async (event: SyntheticEvent) => {
    event.preventDefault();
    if (mode === "sign-in") {
      const { data } = await runSignIn({ input: { email, password } });
      const result = data?.signIn;
      if (result?.__typename === "TwoFactorRequired") onChallenge(result.challenge);
      onAnswer(result);
    } else {
      if (problem) return;
      const { data } = await runSignUp({ input: { email, password } });
      onAnswer(data?.signUp);
    }
  };
  const busy = signIn.fetching || signUp.fetching;
  return (
    <form onSubmit={(event) => void submit(event)} noValidate={false}>
      <Field label="Email" type="email" name="email" autoComplete="username" required value={email} onChange={(e) => { setEmail(e.target.value); }} />
      <Field
        label="Password"
        type="password"
        name="password"
        autoComplete={mode === "sign-in" ? "current-password" : "new-password"}
        required
        value={password}
        hint={mode === "sign-up" && rules ? `${rules.minLength} to ${rules.maxLength} characters, any you like.` : null}
        error={problem}
        onChange={(e) => { setPassword(e.target.value); }}
      />
      {mode === "sign-up" ? <PasswordStrength password={password} userInputs={[email, "workestra"]} /> : null}
      <button type="submit" className="button primary" disabled={busy || waiting}>
        {mode === "sign-in" ? "Sign in" : "Create account"}
      </button>
      {mode === "sign-in" ? (
        <p>
          <Link to="/forgot-password">Forgot password?</Link>
        </p>
      ) : null}
      <p>
        {mode === "sign-in" ? (
          <>
            New to Workestra? <Link to="/sign-up">Create an account</Link>
          </>
        ) : (
          <>
            Already have an account? <Link to="/sign-in">Sign in</Link>
          </>
        )}
      </p>
    </form>
  );
}

function CodeStep({
  challenge,
  waiting,
  onAnswer,
  onCancel,
}: {
  challenge: string;
  waiting: boolean;
  onAnswer: (result: Answer) => void;
  onCancel: () => void;
}) {
  const [code, setCode] = useState("");
  const [backup, setBackup] = useState(false);
  const [verify, runVerify] = useMutation(VerifyTwoFactorMutation);
  const submit = async (event: SyntheticEvent) => {
    event.preventDefault();
    const { data } = await runVerify({ input: { challenge, code } });
    onAnswer(data?.verifyTwoFactor);
  };
  return (
    <form onSubmit={(event) => void submit(event)}>
      {backup ? (
        <Field
          key="backup"
          label="Backup code"
          name="backup-code"
          autoComplete="off"
          autoCapitalize="characters"
          spellCheck={false}
          required
          hint="One of the backup codes you saved, e.g. ABCD-EFGH-JKMN-PQRS. Each works once."
          value={code}
          onChange={(e) => { setCode(e.target.value); }}
        />
      ) : (
        <Field
          key="totp"
          label="Authentication code"
          name="code"
          inputMode="numeric"
          autoComplete="one-time-code"
          pattern="[0-9 ]*"
          maxLength={7}
          required
          hint="The 6-digit code from your authenticator app."
          value={code}
          onChange={(e) => { setCode(e.target.value); }}
        />
      )}
      <button type="submit" className="button primary" disabled={verify.fetching || waiting}>
        Verify
      </button>
      <button
        type="button"
        className="button link"
        onClick={() => {
          setBackup(!backup);
          setCode("");
        }}
      >
        {backup ? "Use the authenticator app instead" : "Use a backup code instead"}
      </button>
      <button type="button" className="button link" onClick={onCancel}>
        Back
      </button>
    </form>
  );
}
