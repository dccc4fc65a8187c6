import { useEffect, useRef } from "react";
import { useMutation, useQuery } from "urql";

import { ApiKeysSection } from "../features/api-keys";
import { KnownDevicesSection } from "../features/known-devices";
import { PasswordSection } from "../features/password";
import { SecurityLogSection } from "../features/security-log";
import { SessionsSection } from "../features/sessions";
import { TwoFactorSection } from "../features/two-factor";
import { graphql } from "../lib/gql";

const ViewerQuery = graphql(`
  query Viewer {
    me {
      id
      email
    }
  }
`);

const SignOutMutation = graphql(`
  mutation SignOut {
    signOut {
      __typename
    }
  }
`);

/** Settings › Security for the signed-in account; `onSignedOut` when there is none or it signs out. */
export function SecurityPage({
  onSigningOut,
  onSignedOut,
}: {
  onSigningOut: () => void;
  onSignedOut: (notice: string | null) => void;
}) {
  const [viewer] = useQuery({ query: ViewerQuery });
  const [, signOut] = useMutation(SignOutMutation);
  const heading = useRef<HTMLHeadingElement>(null);
  const me = viewer.data?.me;
  const signedOut = viewer.data !== undefined && me === null;
  useEffect(() => {
    if (signedOut) onSignedOut(null);
  }, [signedOut, onSignedOut]);
  useEffect(() => {
    if (me) heading.current?.focus();
  }, [me]);
  if (!me) return <main aria-busy="true" className="page" />;
  return (
    <>
      <header className="top">
        <span className="brand">Workestra</span>
        <span className="who">{me.email}</span>
        <button
          type="button"
          className="button"
          onClick={() => {
            // Signing out here closes this session's socket too: that is no news to report.
            onSigningOut();
            void signOut({}).then(() => {
              onSignedOut("You signed out.");
            });
          }}
        >
          Sign out
        </button>
      </header>
      <main className="page">
        <h1 ref={heading} tabIndex={-1}>
          Security
        </h1>
        <PasswordSection />
        <TwoFactorSection />
        <SessionsSection />
        <KnownDevicesSection />
        <SecurityLogSection />
        <ApiKeysSection />
      </main>
    </>
  );
}
