/** The stack launcher's process helpers (scripts/stack/processes.ts), as the tests use them. */
export { WaitAbortedError, freePort, startProcess, stopAllProcesses, waitFor, type ManagedProcess } from "../../scripts/stack/processes";
