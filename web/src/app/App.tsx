import { startTransition, useCallback, useEffect, useRef, useState } from "react";
import { Navigate, Route, Routes, useNavigate } from "react-router";
import { Provider } from "urql";

import { ForgotPasswordPage, ResetPasswordPage } from "../features/recovery";
import { SignInPage } from "../features/sign-in";
import { connect, type Connection } from "../lib/client";
import { endNotice, type EndReason } from "../lib/session-ended";
import { SecurityPage } from "./SecurityPage";

/**
 * The routes, and one GraphQL connection per signed-in period: signing in or out starts a fresh one,
 * so no cached data or socket outlives the session it belonged to.
 */
export function App({ resetToken = null }: { resetToken?: string | null }) {
  const navigate = useNavigate();
  const [notice, setNotice] = useState<string | null>(null);
  const live = useRef<Connection | null>(null);
  const sessionEnded = useRef<(reason: EndReason) => void>(() => undefined);
  const fresh = useCallback((): Connection => {
    const made: Connection = connect((reason) => {
      // A connection already replaced (signed out here) has nothing left to report.
      if (live.current === made) sessionEnded.current(reason);
    });
    return made;
  }, []);
  // The refs are read only when the socket or a request reports, never while rendering.
  // eslint-disable-next-line react-hooks/refs
  const [connection, setConnection] = useState<Connection>(fresh);

  const restart = useCallback(
    (to: string, why: string | null) => {
      // The router navigates in a transition: the new connection must arrive in the same render as the
      // new route, or the old route would briefly run its queries signed out.
      startTransition(() => {
        setNotice(why);
        setConnection(fresh());
        void navigate(to, { replace: true });
      });
    },
    [navigate, fresh],
  );
  useEffect(() => {
    sessionEnded.current = (reason) => {
      restart("/sign-in", endNotice(reason));
    };
  }, [restart]);
  useEffect(() => {
    live.current = connection;
    return () => {
      connection.dispose();
    };
  }, [connection]);

  const signedIn = useCallback(() => {
    restart("/settings/security", null);
  }, [restart]);
  const signingOut = useCallback(() => {
    live.current = null;
  }, []);
  const signedOut = useCallback(
    (why: string | null) => {
      restart("/sign-in", why);
    },
    [restart],
  );

  return (
    <Provider value={connection.client}>
      <Routes>
        <Route path="/" element={<Navigate to="/settings/security" replace />} />
        <Route path="/sign-in" element={<SignInPage key="sign-in" mode="sign-in" notice={notice} onSignedIn={signedIn} />} />
        <Route path="/sign-up" element={<SignInPage key="sign-up" mode="sign-up" notice={null} onSignedIn={signedIn} />} />
        <Route path="/forgot-password" element={<ForgotPasswordPage />} />
        <Route path="/reset-password" element={<ResetPasswordPage token={resetToken} onReset={signedOut} />} />
        <Route path="/settings/security" element={<SecurityPage onSigningOut={signingOut} onSignedOut={signedOut} />} />
        <Route path="*" element={<Navigate to="/" replace />} />
      </Routes>
    </Provider>
  );
}
