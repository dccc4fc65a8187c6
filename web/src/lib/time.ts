// Times as the page says them. Pure functions of an explicit "now", so they are table-tested.

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["year", 365 * 24 * 3600],
  ["month", 30 * 24 * 3600],
  ["week", 7 * 24 * 3600],
  ["day", 24 * 3600],
  ["hour", 3600],
  ["minute", 60],
];

const relative = new Intl.RelativeTimeFormat("en", { numeric: "auto" });

/** "just now", "5 minutes ago", "yesterday", "in 3 days": `then` relative to `now` (both ms since epoch). */
export function relativeTime(then: number, now: number): string {
  const seconds = Math.round((then - now) / 1000);
  if (Math.abs(seconds) < 45) return "just now";
  for (const [unit, size] of UNITS) {
    // Rounded away from zero alike both ways (Math.round alone rounds -1.5 to -1).
    if (Math.abs(seconds) >= size) return relative.format(Math.sign(seconds) * Math.round(Math.abs(seconds) / size), unit);
  }
  return relative.format(Math.round(seconds / 60), "minute");
}

/** A wait in seconds as "42 s", "3 min 05 s" or "14 min 59 s" (never negative). */
export function formatWait(seconds: number): string {
  const total = Math.max(0, Math.ceil(seconds));
  if (total < 60) return `${total} s`;
  const minutes = Math.floor(total / 60);
  return `${minutes} min ${String(total % 60).padStart(2, "0")} s`;
}
