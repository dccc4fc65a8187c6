import { useCallback, useState, type ReactNode } from "react";
import { useQuery } from "urql";

import { graphql } from "../lib/gql";
import { windowClosed } from "../lib/reauth";
import { ReauthPrompt } from "./ReauthPrompt";

const ReauthWindowQuery = graphql(`
  query ReauthWindow {
    activeSessions {
      id
      current
      reauthenticationExpiresAt
    }
  }
`);

/** An action gated by recent authentication; resolves true when the server answered ReauthenticationRequired. */
export type GatedAction = () => Promise<boolean>;

/**
 * Runs gated actions (creating an API key, setting up two-factor authentication): when this session's
 * window is closed, or the server says so, `prompt` asks for the password inline and the action is retried.
 */
export function useReauth(): { guard: (action: GatedAction) => Promise<void>; prompt: ReactNode } {
  const [sessions] = useQuery({ query: ReauthWindowQuery });
  const [pending, setPending] = useState<GatedAction | null>(null);
  const current = sessions.data?.activeSessions.find((session) => session.current);
  const expiresAt = current ? current.reauthenticationExpiresAt : undefined;
  const guard = useCallback(
    async (action: GatedAction) => {
      // Ask first when the page already knows the window is closed; otherwise the server decides.
      if (windowClosed(expiresAt, Date.now()) || (await action())) setPending(() => action);
    },
    [expiresAt],
  );
  const confirmed = useCallback(() => {
    const retry = pending;
    setPending(null);
    if (retry) void retry().then((again) => { if (again) setPending(() => retry); });
  }, [pending]);
  const prompt = pending ? <ReauthPrompt onConfirmed={confirmed} onCancel={() => { setPending(null); }} /> : null;
  return { guard, prompt };
}
