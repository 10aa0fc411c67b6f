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

export const PULL_QUEUE = 'pull';
export const PULL_JOB = 'pull-channel';

export interface PullJobData {
  channelId: string;
  manual?: boolean;
  backfill?: { fromDate?: string; fromId?: string };
}

/** A scheduled pull: one id per channel and schedule slot, so N hub instances add it once. */
export const scheduledPullJobId = (channelId: string, slot: Date) => `pull-${channelId}-${slot.getTime()}`;

export const PULL_JOB_OPTIONS: JobsOptions = {
  attempts: 1, // a failed pull is recorded in the channel's health; the next slot tries again
  removeOnComplete: { age: 7 * 86400, count: 1000 },
  removeOnFail: { age: 14 * 86400 },
};

export function parsePullJob(data: unknown): PullJobData | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const d = data as Record<string, unknown>;
  if (typeof d.channelId !== 'string' || !/^[a-z0-9][a-z0-9-]{1,62}$/.test(d.channelId)) return undefined;
  const b = d.backfill as Record<string, unknown> | undefined;
  if (b !== undefined && (typeof b !== 'object' || b === null)) return undefined;
  return {
    channelId: d.channelId,
    manual: d.manual === true,
    backfill: b ? { fromDate: typeof b.fromDate === 'string' ? b.fromDate : undefined, fromId: typeof b.fromId === 'string' ? b.fromId : undefined } : undefined,
  };
}

/** Switch-over imports run on the pull queue (same worker, same politeness), by run id. */
export const IMPORT_JOB = 'import-portal';
export interface ImportJobData {
  runId: string;
}
export function parseImportJob(data: unknown): ImportJobData | undefined {
  const id = typeof data === 'object' && data !== null ? (data as Record<string, unknown>).runId : undefined;
  return typeof id === 'string' && /^[1-9]\d{0,18}$/.test(id) ? { runId: id } : undefined;
}

export const REPORT_QUEUE = 'reports';
export const REPORT_JOB = 'generate-report';

export interface ReportJobData {
  reportId: string;
}

/**
 * One job per stored report row: queuing it twice queues it once. The request instant is part of
 * it (as for intake jobs) so a recreated database, whose report ids start again at 1, never meets
 * the finished jobs Redis still keeps and silently skips the new reports.
 */
export const reportJobId = (reportId: string, requestedAt: Date) => `report-${reportId}-${requestedAt.getTime()}`;

export const REPORT_JOB_OPTIONS: JobsOptions = {
  attempts: 3, // each attempt resumes after the steps already stored (figures, HTML)
  backoff: { type: 'exponential', delay: 10_000 },
  removeOnComplete: { age: 7 * 86400, count: 1000 },
  removeOnFail: { age: 30 * 86400 },
};

export function parseReportJob(data: unknown): ReportJobData | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const id = (data as Record<string, unknown>).reportId;
  return typeof id === 'string' && /^[1-9]\d{0,18}$/.test(id) ? { reportId: id } : undefined;
}
