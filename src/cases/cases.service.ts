import { BadRequestException, ConflictException, ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import { CitizenContact } from '../../adapters';
import { AuditService } from '../audit/audit.service';
import { Principal } from '../auth/decorators';
import { PiiCipher } from '../crypto/pii-cipher';
import { maskCitizen, redactCitizenText } from '../crypto/masking';
import { Clock } from '../common/clock';
import { textField } from '../common/text-field';
import { CaseEventRow, CaseRepository, CaseRow, DuplicateChange, unitMayAccess } from './case.repository';
import { CASE_STATUSES, statusLabel } from './domain/status';

export interface CaseSummary {
  caseNo: string;
  receiptNo: string;
  channelId: string;
  externalId: string | null;
  title: string;
  category: string | null;
  domain: string | null;
  status: string;
  statusLabel: string;
  handlingUnit: string | null;
  deadline: string | null;
  isPublic: boolean;
  citizen: CitizenContact;
  citizenMasked: boolean;
  submittedAt: Date | null;
  receivedAt: Date;
}

export interface CaseDetail extends CaseSummary {
  content: string;
  timeline: CaseEventRow[];
  /** 并单: the earlier case this one duplicates, and the later ones linked to this one. */
  duplicateOf: string | null;
  duplicates: string[];
  documents: { docNo: string; kind: string; createdAt: Date }[];
}

export interface ListQuery {
  channel?: string;
  status?: string;
  unit?: string;
  page?: string;
  pageSize?: string;
}

/** Why staff linked or split a 并单: as long as a workflow step's reason may be. */
const REASON_MAX = 1000;

/** Roles that may reveal a citizen's contact details (audited each time). */
const MAY_REVEAL = new Set(['admin', 'staff']);

function positiveInt(name: string, raw: string | undefined, fallback: number, max: number): number {
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d{1,6}$/.test(raw) || Number(raw) < 1 || Number(raw) > max) {
    throw new BadRequestException(`${name} must be an integer from 1 to ${max}`);
  }
  return Number(raw);
}

@Injectable()
export class CasesService {
  constructor(
    private readonly cases: CaseRepository,
    private readonly cipher: PiiCipher,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /**
   * 并单 by hand (mailbox staff): this case repeats the earlier `of`, e.g. the citizen wrote again
   * from another number or through another channel, which the automatic link cannot see.
   */
  async linkDuplicate(caseNo: string, body: unknown, user: Principal): Promise<CaseDetail> {
    const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    const of = textField(b, 'of', 40)!; // the case number this case repeats
    const reason = textField(b, 'reason', REASON_MAX)!;
    const change = await this.cases.linkDuplicateByHand(caseNo, of, this.clock.now(), { name: user.username, role: user.role }, reason);
    await this.settle(change, user, 'case.duplicate_link', reason);
    return this.detail(caseNo, user, false);
  }

  /** 拆分: undoes a 并单, automatic or by hand, when the two messages are different matters. */
  async splitDuplicate(caseNo: string, body: unknown, user: Principal): Promise<CaseDetail> {
    const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    const reason = textField(b, 'reason', REASON_MAX)!;
    const change = await this.cases.unlinkDuplicate(caseNo, this.clock.now(), { name: user.username, role: user.role }, reason);
    await this.settle(change, user, 'case.duplicate_unlink', reason);
    return this.detail(caseNo, user, false);
  }

  private async settle(change: DuplicateChange, user: Principal, action: string, reason: string): Promise<void> {
    if (!change.ok) throw change.status === 404 ? new NotFoundException(change.message) : new ConflictException(change.message);
    await this.audit.record(user.username, action, change.caseNo, { original: change.originalNo, reason });
  }

  async list(q: ListQuery, user: Principal): Promise<{ items: CaseSummary[]; total: number; page: number; pageSize: number }> {
    const page = positiveInt('page', q.page, 1, 100_000);
    const pageSize = positiveInt('pageSize', q.pageSize, 20, 100);
    if (q.status && !(CASE_STATUSES as readonly string[]).includes(q.status)) {
      throw new BadRequestException(`status must be one of ${CASE_STATUSES.join(', ')}`);
    }
    // A handling unit sees only the cases it handles, leads or is responsible for.
    const visibleToUnit = user.role === 'unit' ? (user.unit ?? '') : undefined; // '' matches no case
    const { items, total } = await this.cases.list({ channel: q.channel, status: q.status, unit: q.unit, visibleToUnit, limit: pageSize, offset: (page - 1) * pageSize });
    return { items: items.map((c) => this.summary(c, false)), total, page, pageSize };
  }

  async detail(caseNo: string, user: Principal, reveal: boolean): Promise<CaseDetail> {
    const row = await this.cases.byCaseNo(caseNo);
    if (!row || (user.role === 'unit' && !unitMayAccess(row, user.unit))) throw new NotFoundException(`no case ${caseNo}`);
    if (reveal) {
      if (!MAY_REVEAL.has(user.role)) throw new ForbiddenException('your role may not see citizens’ contact details');
      await this.audit.record(user.username, 'case.reveal_citizen', row.caseNo, { fields: ['name', 'phone', 'email', 'idNumber'] });
    }
    const [timeline, links, documents] = await Promise.all([this.cases.timeline(row.id), this.cases.duplicateLinks(row.id), this.cases.documents(row.id)]);
    return { ...this.summary(row, reveal), content: row.content, timeline, ...links, documents };
  }

  /** The raw submission as it arrived (it holds personal data: staff and admin only, audited). */
  async raw(caseNo: string, user: Principal): Promise<unknown> {
    const row = await this.cases.byCaseNo(caseNo);
    if (!row) throw new NotFoundException(`no case ${caseNo}`);
    const sealed = await this.cases.rawOf(row.id);
    if (!sealed) throw new NotFoundException(`no raw message for ${caseNo}`);
    await this.audit.record(user.username, 'case.read_raw', row.caseNo, {});
    return JSON.parse(this.cipher.open(sealed));
  }

  private summary(c: CaseRow, reveal: boolean): CaseSummary {
    const citizen: CitizenContact = {
      name: this.cipher.openOptional(c.nameSealed),
      phone: this.cipher.openOptional(c.phoneSealed),
      email: this.cipher.openOptional(c.emailSealed),
      idNumber: this.cipher.openOptional(c.idNumberSealed),
    };
    return {
      caseNo: c.caseNo,
      receiptNo: c.receiptNo,
      channelId: c.channelId,
      externalId: c.externalId,
      // Citizens type their phone numbers and names into titles too.
      title: reveal ? c.title : redactCitizenText(c.title, citizen.name),
      category: c.category,
      domain: c.domain,
      status: c.status,
      statusLabel: statusLabel(c.status),
      handlingUnit: c.handlingUnit,
      deadline: c.deadline,
      isPublic: c.isPublic,
      citizen: reveal ? citizen : maskCitizen(citizen),
      citizenMasked: !reveal,
      submittedAt: c.submittedAt,
      receivedAt: c.receivedAt,
    };
  }
}
