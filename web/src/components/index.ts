export { Confirm } from "./Confirm";
export { Countdown } from "./Countdown";
export { Field } from "./Field";
export { useNow } from "./useNow";
