import { useCallback, useState, type SyntheticEvent } from "react";
import { useMutation, useQuery } from "urql";

import { Countdown, ErrorNotice, Field, PasswordStrength } from "../../components";
import { graphql } from "../../lib/gql";
import { PasswordPolicyQuery, passwordProblem } from "../../lib/password-rules";
import { refusalOf, type Refusal } from "../../lib/refusal";

const AccountNameQuery = graphql(`
  query AccountName {
    me {
      id
      email
    }
  }
`);

const ChangePasswordMutation = graphql(`
  mutation ChangePassword($input: ChangePasswordInput!) {
    changePassword(input: $input) {
      __typename
      ... on PasswordChanged {
        signedOutSessions
        account {
          id
          passwordChangedAt
        }
      }
      ...Refusal
    }
  }
`);

/** "Password": current / new / confirm, the policy checked as typed, the server's verdict shown. */
export function PasswordSection() {
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [confirm, setConfirm] = useState("");
  const [signOutOthers, setSignOutOthers] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  const [policy] = useQuery({ query: PasswordPolicyQuery });
  const [account] = useQuery({ query: AccountNameQuery });
  const [change, runChange] = useMutation(ChangePasswordMutation);
  const waitOver = useCallback(() => {
    setRefusal(null);
  }, []);
  const rules = policy.data?.passwordPolicy;
  const problem = rules && next ? passwordProblem(next, rules) : null;
  const mismatch = confirm && confirm !== next ? "The passwords do not match." : null;

  const submit = async (event: SyntheticEvent) => {
    event.preventDefault();
    setDone(null);
    if (problem || next !== confirm) return;
    const { data } = await runChange({ input: { currentPassword: current, newPassword: next, signOutOtherSessions: signOutOthers } });
    const result = data?.changePassword;
    if (!result) {
      setError("The password could not be changed. Try again.");
      return;
    }
    setRefusal(refusalOf(result, Date.now()));
    if (result.__typename === "PasswordChanged") {
      setError(null);
      setCurrent("");
      setNext("");
      setConfirm("");
      const count = result.signedOutSessions;
      setDone(`Password updated. ${count === 1 ? "1 other session was" : `${count} other sessions were`} signed out.`);
    } else if (result.__typename === "TooManyAttempts" || result.__typename === "AccountLocked") {
      setError(null);
    } else {
      setError(result.message);
    }
  };

  return (
    <section aria-labelledby="password-heading" className="card">
      <h2 id="password-heading">Password</h2>
      <form onSubmit={(event) => void submit(event)}>
        {/* The account name lets password managers file the new password under the right entry. */}
        <input type="text" name="username" autoComplete="username" value={account.data?.me?.email ?? ""} readOnly hidden />
        <Field label="Current password" type="password" autoComplete="current-password" required value={current} onChange={(e) => { setCurrent(e.target.value); }} />
        <Field
          label="New password"
          type="password"
          autoComplete="new-password"
          required
          value={next}
          hint={rules ? `${rules.minLength} to ${rules.maxLength} characters; not one of your last ${rules.historySize}.` : null}
          error={problem}
          onChange={(e) => { setNext(e.target.value); }}
        />
        <PasswordStrength password={next} userInputs={[account.data?.me?.email ?? "", "workestra"]} />
        <Field label="Confirm new password" type="password" autoComplete="new-password" required value={confirm} error={mismatch} onChange={(e) => { setConfirm(e.target.value); }} />
        <div className="checkbox">
          <input id="sign-out-others" type="checkbox" checked={signOutOthers} onChange={(e) => { setSignOutOthers(e.target.checked); }} />
          <label htmlFor="sign-out-others">Sign out my other sessions</label>
        </div>
        {refusal ? <Countdown message={refusal.message} until={refusal.until} onDone={waitOver} /> : null}
        <ErrorNotice>{error}</ErrorNotice>
        {done ? (
          <p role="status" className="notice notice-ok">
            {done}
          </p>
        ) : null}
        <button type="submit" className="button primary" disabled={change.fetching || refusal !== null}>
          Update Password
        </button>
      </form>
    </section>
  );
}
