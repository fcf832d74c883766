/** The stack launcher's API process (scripts/stack/api.ts), as the tests use it. */
export { startApiProcess, type ApiProcess } from "../../scripts/stack/api";
