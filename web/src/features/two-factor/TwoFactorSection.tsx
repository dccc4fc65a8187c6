import { useCallback, useEffect, useRef, useState, type SyntheticEvent } from "react";
import { useMutation, useQuery } from "urql";

import { Countdown, ErrorNotice, Field, useReauth } from "../../components";
import { graphql } from "../../lib/gql";
import { refusalOf, type Refusal } from "../../lib/refusal";
import { FEW_BACKUP_CODES } from "./backup-codes";
import { BackupCodeList } from "./BackupCodeList";

const TwoFactorStatusQuery = graphql(`
  query TwoFactorStatus {
    me {
      id
      email
      twoFactorEnabled
      backupCodesRemaining
    }
  }
`);

const StartTotpSetupMutation = graphql(`
  mutation StartTotpSetup {
    startTotpSetup {
      __typename
      ... on TotpSetup {
        secret
        qrCodeSvg
        backupCodes
      }
      ... on Error {
        message
      }
    }
  }
`);

const EnableTotpMutation = graphql(`
  mutation EnableTotp($input: EnableTotpInput!) {
    enableTotp(input: $input) {
      __typename
      ... on TotpEnabled {
        account {
          id
          twoFactorEnabled
          backupCodesRemaining
        }
      }
      ... on Error {
        message
      }
    }
  }
`);

const DisableTotpMutation = graphql(`
  mutation DisableTotp($input: DisableTotpInput!) {
    disableTotp(input: $input) {
      __typename
      ... on TotpDisabled {
        account {
          id
          twoFactorEnabled
          backupCodesRemaining
        }
      }
      ...Refusal
    }
  }
`);

const RegenerateBackupCodesMutation = graphql(`
  mutation RegenerateBackupCodes($input: RegenerateBackupCodesInput!) {
    regenerateBackupCodes(input: $input) {
      __typename
      ... on BackupCodes {
        codes
      }
      ...Refusal
    }
  }
`);

interface Setup {
  secret: string;
  qrCodeSvg: string;
  backupCodes: string[];
}

/** The server's SVG as an image: a data URL is never parsed as part of the page. */
const svgDataUrl = (svg: string) => `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;

/** "Two-Factor Authentication": the status, and the steps to switch it on or off. */
export function TwoFactorSection() {
  const [status, refetch] = useQuery({ query: TwoFactorStatusQuery });
  const [setup, setSetup] = useState<Setup | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [start, runStart] = useMutation(StartTotpSetupMutation);
  const reauth = useReauth();
  const me = status.data?.me;
  /** Starts the setup; true when the session must confirm it's you first (the prompt then retries). */
  const begin = async (): Promise<boolean> => {
    const { data } = await runStart({});
    const result = data?.startTotpSetup;
    if (result?.__typename === "ReauthenticationRequired") return true;
    if (result?.__typename === "TotpSetup") {
      setError(null);
      setSetup(result);
    } else setError(result?.message ?? "Two-factor setup could not start. Try again.");
    return false;
  };
  return (
    <section aria-labelledby="two-factor-heading" className="card">
      <h2 id="two-factor-heading">Two-Factor Authentication</h2>
      <ErrorNotice>{error}</ErrorNotice>
      {!me ? null : me.twoFactorEnabled ? (
        <Enabled remaining={me.backupCodesRemaining} account={me.email} onChanged={() => { refetch({ requestPolicy: "network-only" }); }} />
      ) : setup ? (
        <SetupSteps setup={setup} account={me.email} onDone={() => { setSetup(null); }} />
      ) : (
        <>
          <p>Off. With two-factor authentication, signing in also asks for a code from an authenticator app.</p>
          <button type="button" className="button primary" disabled={start.fetching} onClick={() => void reauth.guard(begin)}>
            Enable Two-Factor Authentication
          </button>
          {reauth.prompt}
        </>
      )}
    </section>
  );
}

function SetupSteps({ setup, account, onDone }: { setup: Setup; account: string; onDone: () => void }) {
  const [step, setStep] = useState<"scan" | "codes" | "verify">("scan");
  const [code, setCode] = useState("");
  const [saved, setSaved] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [enable, runEnable] = useMutation(EnableTotpMutation);
  const reauth = useReauth();
  const stepHeading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    stepHeading.current?.focus();
  }, [step]);
  /** Confirms the code; true when the session must confirm it's you first (the prompt then retries). */
  const confirmCode = async (): Promise<boolean> => {
    const { data } = await runEnable({ input: { code } });
    const result = data?.enableTotp;
    if (result?.__typename === "ReauthenticationRequired") return true;
    if (result?.__typename === "TotpEnabled") onDone();
    else setError(result?.message ?? "The code could not be checked. Try again.");
    return false;
  };
  const verify = (event: SyntheticEvent) => {
    event.preventDefault();
    void reauth.guard(confirmCode);
  };
  if (step === "scan") {
    return (
      <div>
        <h3 ref={stepHeading} tabIndex={-1}>
          Step 1 of 3: scan the QR code
        </h3>
        <p>Scan it with your authenticator app, or type the secret into it.</p>
        <img className="qr" src={svgDataUrl(setup.qrCodeSvg)} alt="QR code for your authenticator app" width={200} height={200} />
        <p>
          Secret for manual entry: <code aria-label="Secret for manual entry">{setup.secret}</code>
        </p>
        <button type="button" className="button primary" onClick={() => { setStep("codes"); }}>
          Next
        </button>
      </div>
    );
  }
  if (step === "codes") {
    return (
      <div>
        <h3 ref={stepHeading} tabIndex={-1}>
          Step 2 of 3: save your backup codes
        </h3>
        <p>Each code signs you in once if you lose your authenticator app. They are shown only now.</p>
        <BackupCodeList codes={setup.backupCodes} account={account} />
        <div className="checkbox">
          <input id="codes-saved" type="checkbox" checked={saved} onChange={(e) => { setSaved(e.target.checked); }} />
          <label htmlFor="codes-saved">I have saved them</label>
        </div>
        <button type="button" className="button primary" disabled={!saved} onClick={() => { setStep("verify"); }}>
          Next
        </button>
      </div>
    );
  }
  return (
    <>
    <form onSubmit={verify}>
      <h3 ref={stepHeading} tabIndex={-1}>
        Step 3 of 3: enter a code
      </h3>
      <Field
        label="6-digit code from the app"
        name="code"
        inputMode="numeric"
        autoComplete="one-time-code"
        pattern="[0-9]{6}"
        maxLength={6}
        required
        value={code}
        error={error}
        onChange={(e) => { setCode(e.target.value); }}
      />
      <button type="submit" className="button primary" disabled={enable.fetching}>
        Verify and Enable
      </button>
    </form>
    {reauth.prompt}
    </>
  );
}

function Enabled({ remaining, account, onChanged }: { remaining: number; account: string; onChanged: () => void }) {
  const [action, setAction] = useState<"regenerate" | "disable" | null>(null);
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  const [codes, setCodes] = useState<string[] | null>(null);
  const [disable, runDisable] = useMutation(DisableTotpMutation);
  const [regenerate, runRegenerate] = useMutation(RegenerateBackupCodesMutation);
  const waitOver = useCallback(() => {
    setRefusal(null);
  }, []);
  const submit = async (event: SyntheticEvent) => {
    event.preventDefault();
    const { data } = action === "disable" ? await runDisable({ input: { password } }) : await runRegenerate({ input: { password } });
    const result = data && ("disableTotp" in data ? data.disableTotp : data.regenerateBackupCodes);
    if (!result) {
      setError("That did not work. Try again.");
      return;
    }
    setRefusal(refusalOf(result, Date.now()));
    if (result.__typename === "BackupCodes") setCodes(result.codes);
    if (result.__typename === "BackupCodes" || result.__typename === "TotpDisabled") {
      setAction(null);
      setPassword("");
      setError(null);
      onChanged();
    } else if ("message" in result && !refusalOf(result, Date.now())) setError(result.message);
  };
  return (
    <div>
      <p>
        <strong>On.</strong> Signing in asks for a code from your authenticator app.
      </p>
      <p className={remaining <= FEW_BACKUP_CODES ? "notice notice-warn" : undefined}>
        Backup codes remaining: <strong>{remaining}</strong>
        {remaining <= FEW_BACKUP_CODES ? " — few left: regenerate them." : null}
      </p>
      {codes ? (
        <>
          <p role="status">New backup codes; the old ones no longer work.</p>
          <BackupCodeList codes={codes} account={account} />
        </>
      ) : null}
      {action ? (
        <form onSubmit={(event) => void submit(event)}>
          <Field label="Current password" type="password" autoComplete="current-password" required autoFocus value={password} error={error} onChange={(e) => { setPassword(e.target.value); }} />
          {refusal ? <Countdown message={refusal.message} until={refusal.until} onDone={waitOver} /> : null}
          <button type="submit" className={action === "disable" ? "button danger" : "button primary"} disabled={disable.fetching || regenerate.fetching || refusal !== null}>
            {action === "disable" ? "Disable Two-Factor Authentication" : "Regenerate Backup Codes"}
          </button>
          <button type="button" className="button" onClick={() => { setAction(null); setError(null); }}>
            Cancel
          </button>
        </form>
      ) : (
        <div className="actions">
          <button type="button" className="button" onClick={() => { setCodes(null); setAction("regenerate"); }}>
            Regenerate backup codes
          </button>
          <button type="button" className="button danger" onClick={() => { setCodes(null); setAction("disable"); }}>
            Disable two-factor authentication
          </button>
        </div>
      )}
    </div>
  );
}
