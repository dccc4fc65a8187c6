import { useEffect, useRef, useState, type ReactNode } from "react";

/**
 * A button whose action runs only after a second, explicit confirmation; the question takes the focus,
 * Cancel gives it back.
 */
export function Confirm({
  label,
  question,
  confirmLabel,
  onConfirm,
  danger = false,
  disabled = false,
}: {
  label: string;
  question: ReactNode;
  confirmLabel: string;
  onConfirm: () => void;
  danger?: boolean;
  disabled?: boolean;
}) {
  const [asking, setAsking] = useState(false);
  const confirmRef = useRef<HTMLButtonElement>(null);
  const openRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (asking) confirmRef.current?.focus();
  }, [asking]);
  if (!asking) {
    return (
      <button
        ref={openRef}
        type="button"
        className={danger ? "button danger" : "button"}
        disabled={disabled}
        onClick={() => {
          setAsking(true);
        }}
      >
        {label}
      </button>
    );
  }
  return (
    <div role="group" aria-label={label} className="confirm">
      <span>{question}</span>
      <button
        ref={confirmRef}
        type="button"
        className={danger ? "button danger" : "button primary"}
        onClick={() => {
          setAsking(false);
          onConfirm();
        }}
      >
        {confirmLabel}
      </button>
      <button
        type="button"
        className="button"
        onClick={() => {
          setAsking(false);
        }}
      >
        Cancel
      </button>
    </div>
  );
}
