export { SessionsSection } from "./SessionsSection";
