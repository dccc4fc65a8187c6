import { describe, expect, it } from "vitest";

import { endedIds, withoutEnded } from "./cache-updates";

describe("endedIds", () => {
  it("reads the one ended session, the ended sessions or the revoked key", () => {
    expect(endedIds({ __typename: "SessionRevoked", session: { id: "U2Vzc2lvbjph" } }, "session")).toEqual(["U2Vzc2lvbjph"]);
    expect(endedIds({ sessions: [{ id: "a" }, { id: "b" }] }, "sessions")).toEqual(["a", "b"]);
    expect(endedIds({ apiKey: { id: "k" } }, "apiKey")).toEqual(["k"]);
  });

  it("names nothing for an error member or a payload without the field", () => {
    expect(endedIds({ __typename: "NotFound", message: "Not found." }, "session")).toEqual([]);
    expect(endedIds(null, "session")).toEqual([]);
    expect(endedIds({ session: null }, "session")).toEqual([]);
  });
});

describe("withoutEnded", () => {
  it("drops the ended entities and keeps the order of the rest", () => {
    expect(withoutEnded(["Session:a", "Session:b", "Session:c"], "Session", ["b"])).toEqual(["Session:a", "Session:c"]);
  });

  it("only drops entities of the named type", () => {
    expect(withoutEnded(["Session:a", "ApiKey:a"], "ApiKey", ["a"])).toEqual(["Session:a"]);
  });
});
