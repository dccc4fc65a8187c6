export { Confirm } from "./Confirm";
export { Countdown } from "./Countdown";
export { ErrorNotice } from "./ErrorNotice";
export { Field } from "./Field";
export { PasswordStrength } from "./PasswordStrength";
export { useNow } from "./useNow";
