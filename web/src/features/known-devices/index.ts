export { KnownDevicesSection } from "./KnownDevicesSection";
