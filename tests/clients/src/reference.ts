// The bare graphql-ws reference client, eager (`lazy: false`: it keeps its socket without operations, so
// only `shouldRetry` stops a reconnect), authenticated by the browser's cookie on the handshake.
import { print, type ExecutionResult } from "graphql";

import {
  LiveSessionsDocument,
  RevokeSessionDocument,
  SignInDocument,
  SignUpDocument,
  type LiveSessionsSubscription,
  type RevokeSessionMutation,
  type SignInMutation,
  type SignUpMutation,
} from "./gql/graphql.js";
import { browser, endedFrom, run, scenario, sleep, socketClient, until, type Ended } from "./support.js";

const { httpUrl, wsUrl, email, password, watchMs } = scenario();

async function post<Data>(send: typeof fetch, query: string, variables: object, token?: string): Promise<Data> {
  const response = await send(httpUrl, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as ExecutionResult<Data>;
  if (!body.data) throw new Error(`${response.status}: ${JSON.stringify(body.errors)}`);
  return body.data;
}

run(async () => {
  const cookies = browser();
  const input = { email, password };
  const up = await post<SignUpMutation>(cookies.fetch, print(SignUpDocument), { input: { ...input, client: "WEB" } });
  if (up.signUp.__typename !== "SignedIn") throw new Error(`signUp: ${JSON.stringify(up)}`);
  const phone = await post<SignInMutation>(fetch, print(SignInDocument), { input: { ...input, client: "MOBILE" } });
  if (phone.signIn.__typename !== "SignedIn" || !phone.signIn.token) throw new Error(`signIn: ${JSON.stringify(phone)}`);

  const { client, log } = socketClient(wsUrl, { cookieFrom: cookies, httpUrl }, { lazy: false });
  const lists: string[][] = [];
  const ended: Ended[] = [];
  const following = (async () => {
    try {
      for await (const result of client.iterate<LiveSessionsSubscription>({ query: print(LiveSessionsDocument) })) {
        if (result.data) lists.push(result.data.activeSessions.map((session) => session.id));
      }
    } catch (errors: unknown) {
      ended.push(...(Array.isArray(errors) ? endedFrom(errors) : [{ code: null, reason: null, message: String(errors) }]));
    }
  })();
  await until(() => lists.length > 0, "the first list");

  const revoked = await post<RevokeSessionMutation>(fetch, print(RevokeSessionDocument), { id: up.signUp.session.id }, phone.signIn.token);
  await until(() => ended.length > 0, "SESSION_ENDED");
  await following;
  await sleep(watchMs);
  void client.dispose();
  return { firstList: lists[0], revoked: revoked.revokeSession.__typename, ended, socket: log };
});
