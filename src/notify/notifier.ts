import { Inject, Injectable, Logger } from '@nestjs/common';
import { HUB_CONFIG } from '../config/config.module';
import { HubConfig } from '../config/env';

/** A message to a handling unit (催办 by SMS or network). Never carries a citizen's personal data. */
export interface UnitNotice {
  unit: string;
  caseNo: string;
  kind: 'transfer' | 'reminder' | 'reminder_notice' | 'criticism_proposed';
  text: string;
}

const TIMEOUT_MS = 5000;
const TRIES = 3;

/**
 * The notification port. Driver `log` (development) writes the notice to the log. Driver `http`
 * posts it as JSON `{unit, caseNo, kind, text}` to an SMS gateway (HUB_NOTIFY_URL, bearer
 * HUB_NOTIFY_TOKEN) that knows the units' contacts; it retries, and a notice that still fails is
 * logged as an error for staff to phone instead — it never undoes the workflow step it follows.
 */
@Injectable()
export class Notifier {
  private readonly logger = new Logger('Notifier');
  /** The last notices sent (for operators and tests). */
  readonly sent: UnitNotice[] = [];

  constructor(@Inject(HUB_CONFIG) private readonly config: HubConfig) {}

  async send(notice: UnitNotice): Promise<void> {
    this.sent.push(notice);
    if (this.sent.length > 1000) this.sent.shift();
    const { driver, url, token } = this.config.notify;
    if (driver === 'log' || !url) {
      this.logger.log({ unit: notice.unit, caseNo: notice.caseNo, kind: notice.kind }, notice.text);
      return;
    }
    let problem = '';
    for (let attempt = 1; attempt <= TRIES; attempt++) {
      try {
        const res = await fetch(url, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
          body: JSON.stringify(notice),
          signal: AbortSignal.timeout(TIMEOUT_MS),
        });
        if (res.ok) return;
        problem = `HTTP ${res.status}`;
        if (res.status < 500 && res.status !== 429) break; // the gateway refused it: retrying will not help
      } catch (err) {
        problem = (err as Error).message;
      }
      await new Promise((r) => setTimeout(r, 200 * attempt));
    }
    this.logger.error({ unit: notice.unit, caseNo: notice.caseNo, kind: notice.kind, problem }, 'notice to the unit not delivered: contact the unit by phone');
  }
}
