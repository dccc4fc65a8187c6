import type { ReactNode } from "react";

/** An error the person must read now (announced by screen readers); nothing when there is none. */
export function ErrorNotice({ children }: { children: ReactNode }) {
  if (!children) return null;
  return (
    <p role="alert" className="notice notice-error">
      {children}
    </p>
  );
}
