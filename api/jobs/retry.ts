/**
 * The back-off rule of every outbox (webhook deliveries, invoice emails): after failed attempt n (1-based) the next
 * one waits `scheduleMs[n - 1]` (WEBHOOK_RETRY_SCHEDULE); once the schedule is used up, the item fails for good.
 * Returns the wait in milliseconds, or undefined when no attempt is left.
 */
export function retryDelay(scheduleMs: readonly number[], failedAttempts: number): number | undefined {
  return failedAttempts >= 1 ? scheduleMs[failedAttempts - 1] : undefined;
}
