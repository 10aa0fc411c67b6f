import { Injectable, Logger } from '@nestjs/common';

/** A message to a handling unit (催办 by SMS or network). Never carries a citizen's personal data. */
export interface UnitNotice {
  unit: string;
  caseNo: string;
  kind: 'transfer' | 'reminder' | 'reminder_notice' | 'criticism_proposed';
  text: string;
}

/**
 * The notification port. The development driver writes the notice to the log; an SMS gateway
 * driver implements the same class for production (HUB_NOTIFY_DRIVER, issue to come).
 */
@Injectable()
export class Notifier {
  private readonly logger = new Logger('Notifier');
  readonly sent: UnitNotice[] = [];

  async send(notice: UnitNotice): Promise<void> {
    this.sent.push(notice);
    if (this.sent.length > 1000) this.sent.shift();
    this.logger.log({ unit: notice.unit, caseNo: notice.caseNo, kind: notice.kind }, notice.text);
  }
}
