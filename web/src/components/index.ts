export { Confirm } from "./Confirm";
export { Countdown } from "./Countdown";
export { ErrorNotice } from "./ErrorNotice";
export { Field } from "./Field";
export { PasswordStrength } from "./PasswordStrength";
export { useNow } from "./useNow";
export { ReauthPrompt } from "./ReauthPrompt";
export { useReauth, type GatedAction } from "./useReauth";
