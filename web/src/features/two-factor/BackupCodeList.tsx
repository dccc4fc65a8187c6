import { useState } from "react";

import { backupCodesText } from "./backup-codes";

/** The codes, shown once, with copy, download (.txt) and print. */
export function BackupCodeList({ codes, account }: { codes: readonly string[]; account: string }) {
  const [copied, setCopied] = useState(false);
  // A data URL rather than a blob: one, so nothing needs revoking when the list goes away.
  const href = `data:text/plain;charset=utf-8,${encodeURIComponent(backupCodesText(codes, account))}`;
  return (
    <div className="backup-codes">
      <ol aria-label="Backup codes" className="codes">
        {codes.map((code) => (
          <li key={code}>
            <code>{code}</code>
          </li>
        ))}
      </ol>
      <div className="actions">
        <button
          type="button"
          className="button"
          onClick={() => {
            void navigator.clipboard.writeText(codes.join("\n")).then(() => {
              setCopied(true);
            });
          }}
        >
          {copied ? "Copied" : "Copy codes"}
        </button>
        <a className="button" href={href} download="workestra-backup-codes.txt">
          Download .txt
        </a>
        <button
          type="button"
          className="button"
          onClick={() => {
            window.print();
          }}
        >
          Print
        </button>
      </div>
    </div>
  );
}
