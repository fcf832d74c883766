/** The stack's bulk event generator (scripts/stack/events.ts), as the tests use it. */
export { deployEventGenerator, generateSettleEvents, type EventGenerator } from "../../scripts/stack/events";
