import { useState } from "react";
import { useMutation, useQuery, useSubscription } from "urql";

import { Confirm, useNow } from "../../components";
import { graphql } from "../../lib/gql";
import { relativeTime } from "../../lib/time";

export const SessionRowFragment = graphql(`
  fragment SessionRow on Session {
    id
    client
    device {
      browser
      os
    }
    location
    ipAddress
    lastActiveAt
    current
  }
`);

const ActiveSessionsSubscription = graphql(`
  subscription ActiveSessions {
    activeSessions {
      ...SessionRow
    }
  }
`);

// The same selection over HTTP: the list is on screen before the socket has opened.
export const ActiveSessionsQuery = graphql(`
  query ActiveSessionsNow {
    activeSessions {
      ...SessionRow
    }
  }
`);

export const RevokeSessionMutation = graphql(`
  mutation RevokeSession($id: ID!) {
    revokeSession(id: $id) {
      __typename
      ... on SessionRevoked {
        session {
          id
        }
      }
      ... on Error {
        message
      }
    }
  }
`);

export const RevokeAllOtherSessionsMutation = graphql(`
  mutation RevokeAllOtherSessions {
    revokeAllOtherSessions {
      ... on SessionsRevoked {
        count
        sessions {
          id
        }
      }
    }
  }
`);

const SignOutEverywhereMutation = graphql(`
  mutation SignOutEverywhere {
    signOutEverywhere {
      ... on SessionsRevoked {
        count
        sessions {
          id
        }
      }
    }
  }
`);

/** "Active Sessions": every signed-in device, live, with Revoke, "Revoke All Other Sessions" and "Sign Out Everywhere". */
export function SessionsSection() {
  const [query] = useQuery({ query: ActiveSessionsQuery });
  // The subscription's lists are linked into Query.activeSessions by the cache (lib/client.ts).
  useSubscription({ query: ActiveSessionsSubscription });
  const [, revoke] = useMutation(RevokeSessionMutation);
  const [, revokeOthers] = useMutation(RevokeAllOtherSessionsMutation);
  const [, everywhere] = useMutation(SignOutEverywhereMutation);
  const [status, setStatus] = useState<string | null>(null);
  const now = useNow(15_000);
  const sessions = query.data?.activeSessions ?? [];
  const others = sessions.filter((session) => !session.current).length;
  return (
    <section aria-labelledby="sessions-heading" className="card">
      <h2 id="sessions-heading">Active Sessions</h2>
      <p role="status" className="status-line">
        {status}
      </p>
      <ul aria-label="Signed-in devices" className="sessions">
        {sessions.map((session) => {
          const device = [session.device.browser, session.device.os].filter(Boolean).join(" on ") || "Unknown device";
          return (
            <li key={session.id} aria-label={session.current ? `${device} (this device)` : device} className="session">
              <div>
                <strong>{device}</strong> {session.current ? <span className="badge">This device</span> : null}
                <div className="meta">
                  {session.client === "MOBILE" ? "Mobile app · " : ""}
                  {session.location ?? "Unknown location"} · {session.ipAddress ?? "unknown IP"} · last active{" "}
                  <time dateTime={session.lastActiveAt} title={new Date(session.lastActiveAt).toLocaleString()}>
                    {relativeTime(Date.parse(session.lastActiveAt), now)}
                  </time>
                </div>
              </div>
              {session.current ? null : (
                <Confirm
                  label="Revoke"
                  question={`Sign ${device} out?`}
                  confirmLabel="Yes, revoke"
                  danger
                  onConfirm={() => {
                    void revoke({ id: session.id }).then(({ data }) => {
                      const result = data?.revokeSession;
                      setStatus(result?.__typename === "SessionRevoked" ? `${device} was signed out.` : (result?.message ?? "Could not revoke."));
                    });
                  }}
                />
              )}
            </li>
          );
        })}
      </ul>
      <div className="actions">
        <Confirm
          label="Revoke All Other Sessions"
          question="Sign out every other device?"
          confirmLabel="Yes, revoke all others"
          disabled={others === 0}
          onConfirm={() => {
            void revokeOthers({}).then(({ data }) => {
              const count = data?.revokeAllOtherSessions.count ?? 0;
              setStatus(`${count === 1 ? "1 session was" : `${count} sessions were`} signed out.`);
            });
          }}
        />
        <Confirm
          label="Sign Out Everywhere"
          question="Sign out every device, this one too?"
          confirmLabel="Yes, sign out everywhere"
          danger
          onConfirm={() => void everywhere({})}
        />
      </div>
    </section>
  );
}
