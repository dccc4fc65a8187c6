import { useEffect } from "react";

import { formatWait } from "../lib/time";
import { useNow } from "./useNow";

/** A refusal that names a wait: the message and a live "try again in" countdown until it is over. */
export function Countdown({ message, until, onDone }: { message: string; until: number; onDone: () => void }) {
  const now = useNow(250);
  const left = Math.max(0, (until - now) / 1000);
  useEffect(() => {
    if (left <= 0) onDone();
  }, [left, onDone]);
  return (
    <p role="alert" className="notice notice-error">
      {message} Try again in <span className="countdown">{formatWait(left)}</span>.
    </p>
  );
}
