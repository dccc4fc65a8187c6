export { SecurityLogSection } from "./SecurityLogSection";
