/** What the revoke payloads name, as the ids a normalised cache must drop (pure, so it is tested alone). */

type Ref = { id: string } | null | undefined;

/** The ids of the objects a revoke payload ended: `session`, `sessions`, `apiKey` or `knownDevice`, whichever it carries. */
export function endedIds(payload: unknown, field: "session" | "sessions" | "apiKey" | "knownDevice"): string[] {
  if (typeof payload !== "object" || payload === null || !(field in payload)) return [];
  const value = (payload as Record<string, Ref | Ref[]>)[field];
  const refs = Array.isArray(value) ? value : [value];
  return refs.flatMap((ref) => (ref && typeof ref.id === "string" ? [ref.id] : []));
}

/** A cached list's entity keys without those of the ended objects (`Type:id`, as Graphcache keys them). */
export function withoutEnded(keys: readonly (string | null)[], typename: string, ended: readonly string[]): string[] {
  const gone = new Set(ended.map((id) => `${typename}:${id}`));
  return keys.filter((key): key is string => key !== null && !gone.has(key));
}
