import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { BrowserRouter } from "react-router";

import { App } from "./app/App";
import { takeResetToken } from "./features/recovery";
import "./styles.css";

// Before the router reads the address: the reset token leaves the address bar and the history at once.
const resetToken = takeResetToken(window.location, window.history);

const root = document.getElementById("root");
if (root) {
  createRoot(root).render(
    <StrictMode>
      <BrowserRouter>
        <App resetToken={resetToken} />
      </BrowserRouter>
    </StrictMode>,
  );
}
