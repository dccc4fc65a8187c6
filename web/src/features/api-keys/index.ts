export { ApiKeysSection } from "./ApiKeysSection";
