import { cacheExchange } from "@urql/exchange-graphcache";
import { Client, makeResult, type Exchange, type Operation } from "urql";
import { describe, expect, it } from "vitest";
import { map, pipe } from "wonka";

import { cacheOptions } from "../../lib/cache";
import { ActiveSessionsQuery as SESSIONS, RevokeAllOtherSessionsMutation as REVOKE_OTHERS, RevokeSessionMutation as REVOKE } from "./SessionsSection";

// Every field of SessionRow: Graphcache treats a partly known entity as a cache miss.
const session = (id: string, current = false) => ({
  __typename: "Session",
  id,
  client: "WEB",
  device: { __typename: "Device", browser: "Firefox 140", os: "Linux" },
  location: null,
  ipAddress: "203.0.113.xxx",
  lastActiveAt: "2026-01-05T09:00:00+00:00",
  current,
});

/** A server that answers each operation by its name, with what the real one would send. */
type Answers = Record<string, () => Record<string, unknown>>;

function fakeServer(answers: Answers): Exchange {
  return () => (operations$) =>
    pipe(
      operations$,
      map((operation: Operation) => {
        const name = operation.query.definitions.flatMap((d) => ("name" in d && d.name ? [d.name.value] : []))[0] ?? "";
        const answer = answers[name];
        if (!answer) throw new Error(`no answer for ${name}`);
        return makeResult(operation, { data: answer() });
      }),
    );
}

function clientWith(answers: Answers): Client {
  return new Client({ url: "/graphql", exchanges: [cacheExchange(cacheOptions), fakeServer(answers)] });
}

const listed = async (client: Client): Promise<string[] | undefined> => {
  const result = await client.query(SESSIONS, {}, { requestPolicy: "cache-only" }).toPromise();
  return result.data?.activeSessions.map((s) => s.id);
};

describe("the page's cache after a revoke", () => {
  it("drops the revoked session from the cached list at once", async () => {
    const client = clientWith({
      ActiveSessionsNow: () => ({ activeSessions: [session("me", true), session("phone"), session("tablet")] }),
      RevokeSession: () => ({ revokeSession: { __typename: "SessionRevoked", session: session("phone") } }),
    });
    await client.query(SESSIONS, {}).toPromise();
    expect(await listed(client)).toEqual(["me", "phone", "tablet"]);
    await client.mutation(REVOKE, { id: "phone" }).toPromise();
    expect(await listed(client)).toEqual(["me", "tablet"]);
  });

  it("keeps the list when the revoke was refused", async () => {
    const client = clientWith({
      ActiveSessionsNow: () => ({ activeSessions: [session("me", true), session("phone")] }),
      RevokeSession: () => ({ revokeSession: { __typename: "NotFound", message: "Not found." } }),
    });
    await client.query(SESSIONS, {}).toPromise();
    await client.mutation(REVOKE, { id: "phone" }).toPromise();
    expect(await listed(client)).toEqual(["me", "phone"]);
  });

  it("drops every session revokeAllOtherSessions ended", async () => {
    const client = clientWith({
      ActiveSessionsNow: () => ({ activeSessions: [session("me", true), session("phone"), session("tablet")] }),
      RevokeAllOtherSessions: () => ({
        revokeAllOtherSessions: { __typename: "SessionsRevoked", count: 2, sessions: [session("phone"), session("tablet")] },
      }),
    });
    await client.query(SESSIONS, {}).toPromise();
    await client.mutation(REVOKE_OTHERS, {}).toPromise();
    expect(await listed(client)).toEqual(["me"]);
  });
});
