/**
 * Queue names, job ids and retry settings: all in one place.
 * Job ids are deterministic, so adding the same work twice is a no-op.
 */
import { JobsOptions } from 'bullmq';

export const INTAKE_QUEUE = 'intake';
export const INTAKE_JOB = 'register-case';

export interface IntakeJobData {
  inboundId: string;
}

/**
 * The job of one inbound row. The receipt instant is part of it so that a recreated or restored
 * database, whose ids start again, never meets the old jobs still kept in Redis.
 */
export const intakeJobId = (inboundId: string, receivedAt: Date) => `inbound-${inboundId}-${receivedAt.getTime()}`;

export const INTAKE_JOB_OPTIONS: JobsOptions = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: { age: 3600, count: 10_000 },
  removeOnFail: { age: 14 * 86400 },
};

/** Job payloads are read back from Redis: check them as strictly as an HTTP body. */
export function parseIntakeJob(data: unknown): IntakeJobData | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const id = (data as Record<string, unknown>).inboundId;
  return typeof id === 'string' && /^[1-9]\d{0,18}$/.test(id) ? { inboundId: id } : undefined;
}
