// The scenario Apollo and urql both play, each through its own cache: a browser-style laptop (cookie) and
// two mobile-style devices (bearer) of one account, the live list, two revokes and an error union read.
import type { SignInMutation, SignUpMutation } from "./gql/graphql.js";
import { browser, run, scenario, sleep, until, type Browser, type Ended, type SocketLog } from "./support.js";

/** What a device's `activeSessions` subscription delivered: each list, then why it ended. */
export interface Followed {
  lists: string[][];
  ended: Ended[];
}

/** One device's client, as the scenario drives it. */
export interface Device {
  signUp(input: { email: string; password: string }): Promise<SignUpMutation["signUp"]>;
  signIn(input: { email: string; password: string }): Promise<SignInMutation["signIn"]>;
  /** Runs `activeSessions` so the cache holds the list. */
  loadSessions(): Promise<void>;
  /** Subscribes, writing each list over the cached query as the README says. */
  follow(): Followed;
  /** `revokeSession` with the recipe's cache update; resolves to the result's union member. */
  revoke(id: string): Promise<unknown>;
  /** What the cache holds now about the session `id` and the list. */
  probe(id: string): { list: string[] | null; session: unknown };
  log: SocketLog | undefined;
}

/** How a client library makes a device: with the browser's cookie jar, a bearer token, or neither. */
export type Devices = (credential: { cookies: Browser } | { token: string } | null) => Device;

/** Plays the scenario with `devices` and prints what it saw, with `extra` observations of the client's own. */
export function playDevices(devices: Devices, extra: (tablet: string) => Promise<Record<string, unknown>>): void {
  const { httpUrl, email, password, watchMs } = scenario();
  const account = { email, password };
  const signInMobile = async () => {
    const signedIn = await devices(null).signIn(account);
    if (signedIn.__typename !== "SignedIn" || !signedIn.token) throw new Error(`signIn: ${JSON.stringify(signedIn)}`);
    return { token: signedIn.token, id: signedIn.session.id };
  };
  run(async () => {
    const cookies = browser();
    const laptop = devices({ cookies });
    const signedUp = await laptop.signUp(account);
    if (signedUp.__typename !== "SignedIn") throw new Error(`signUp: ${JSON.stringify(signedUp)}`);
    const [phoneSignIn, tabletSignIn] = [await signInMobile(), await signInMobile()];
    const phone = devices({ token: phoneSignIn.token });
    const tablet = devices({ token: tabletSignIn.token });

    await laptop.loadSessions();
    const beforeRevoke = laptop.probe(phoneSignIn.id);
    const laptopView = laptop.follow();
    const phoneView = phone.follow();
    await until(() => laptopView.lists.length > 0 && phoneView.lists.length > 0, "the first lists");
    const revoked = await laptop.revoke(phoneSignIn.id);
    const afterRevoke = laptop.probe(phoneSignIn.id);
    await until(() => phoneView.ended.length > 0, "the phone's SESSION_ENDED");
    await until(() => laptopView.lists.at(-1)?.includes(phoneSignIn.id) === false, "the list without the phone");
    // The laptop's own session ends: its cookie-authenticated socket is told too.
    await tablet.revoke(signedUp.session.id);
    await until(() => laptopView.ended.length > 0, "the laptop's SESSION_ENDED");
    const notFound = await tablet.revoke("not-a-session");
    const observations = await extra(tabletSignIn.token);
    await sleep(watchMs);
    return {
      signUp: { typename: signedUp.__typename, token: signedUp.token ?? null },
      cookies: cookies.cookieNames(httpUrl),
      sessions: { laptop: signedUp.session.id, phone: phoneSignIn.id, tablet: tabletSignIn.id },
      ...{ revoked, beforeRevoke, afterRevoke, notFound },
      ...{ laptopLists: laptopView.lists, phoneEnded: phoneView.ended, laptopEnded: laptopView.ended },
      ...{ phoneSocket: phone.log, laptopSocket: laptop.log },
      ...observations,
    };
  });
}
