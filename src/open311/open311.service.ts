import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { CATEGORIES, Category } from '../../adapters';
import { redactCitizenText } from '../crypto/masking';
import { PiiCipher } from '../crypto/pii-cipher';

/** Open311 service codes for the plan's five categories. */
export const SERVICES: Record<Category, { code: string; description: string }> = {
  咨询: { code: 'zixun', description: '政策、办事等方面的咨询' },
  反映: { code: 'fanying', description: '反映情况和问题' },
  投诉: { code: 'tousu', description: '对单位或个人的投诉' },
  建议: { code: 'jianyi', description: '意见和建议' },
  求助: { code: 'qiuzhu', description: '生活中遇到困难的求助' },
};
const CODE_TO_CATEGORY = new Map(Object.entries(SERVICES).map(([cat, s]) => [s.code, cat as Category]));
const CLOSED = new Set(['closed', 'archived', 'declined', 'referred']);

export interface Open311Request {
  service_request_id: string;
  status: 'open' | 'closed';
  status_notes: string | null;
  service_name: string | null;
  service_code: string | null;
  description: string;
  agency_responsible: string | null;
  service_notice: string | null;
  requested_datetime: string;
  updated_datetime: string;
  expected_datetime: string | null;
  address: null;
  lat: null;
  long: null;
  media_url: null;
}

interface Row {
  caseNo: string; status: string; category: string | null; content: string; title: string; handlingUnit: string | null;
  deadline: string | null; receivedAt: Date; updatedAt: Date; reply: { content?: string } | null; upstream: { reply?: { content?: string } } | null;
  nameSealed: string | null;
}

/**
 * Open311 GeoReport v2 (read): the public record of 舆论监督. Only cases whose authors agreed to
 * publication are listed or shown, their texts with any phone, ID number or email masked, and
 * never a name, contact or query code.
 */
@Injectable()
export class Open311Service {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly cipher: PiiCipher,
  ) {}

  services() {
    return CATEGORIES.map((c) => ({
      service_code: SERVICES[c].code, service_name: c, description: SERVICES[c].description,
      metadata: false, type: 'realtime', keywords: c, group: '网民留言',
    }));
  }

  async requests(q: Record<string, string | undefined>): Promise<Open311Request[]> {
    const where = ['c.is_public'];
    const params: unknown[] = [];
    if (q.service_request_id) {
      const ids = q.service_request_id.split(',').map((s) => s.trim()).filter(Boolean);
      if (ids.length > 100 || ids.some((id) => !/^[A-Z]{2}\d{8}-\d{6,}$/.test(id))) throw new BadRequestException('service_request_id must be case numbers, comma-separated');
      where.push(`c.case_no = ANY($${params.push(ids)})`);
    }
    if (q.service_code) {
      const category = CODE_TO_CATEGORY.get(q.service_code);
      if (!category) throw new BadRequestException(`unknown service_code; see services.json`);
      where.push(`c.category = $${params.push(category)}`);
    }
    const date = (name: string) => {
      const v = q[name];
      if (v === undefined) return undefined;
      const d = new Date(v);
      if (Number.isNaN(d.getTime())) throw new BadRequestException(`${name} must be a W3C date-time`);
      return d;
    };
    const start = date('start_date');
    const end = date('end_date');
    // GeoReport's default window: the last 90 days.
    where.push(`c.received_at >= $${params.push(start ?? new Date((end ?? new Date()).getTime() - 90 * 86_400_000))}`);
    if (end) where.push(`c.received_at <= $${params.push(end)}`);
    if (q.status) {
      if (q.status !== 'open' && q.status !== 'closed') throw new BadRequestException('status must be open or closed');
      where.push(`c.status ${q.status === 'closed' ? '' : 'NOT '}IN ('closed', 'archived', 'declined', 'referred')`);
    }
    const rows: Row[] = await this.db.query(
      `SELECT case_no AS "caseNo", status, category, content, title, handling_unit AS "handlingUnit", to_char(deadline, 'YYYY-MM-DD') AS deadline,
              received_at AS "receivedAt", updated_at AS "updatedAt", reply, upstream, citizen_name_sealed AS "nameSealed"
         FROM cases c WHERE ${where.join(' AND ')} ORDER BY c.received_at DESC LIMIT 1000`,
      params,
    );
    return rows.map((r) => this.toOpen311(r));
  }

  async request(id: string): Promise<Open311Request[]> {
    if (!/^[A-Z]{2}\d{8}-\d{6,}$/.test(id)) throw new NotFoundException('no such public request');
    const rows: Row[] = await this.db.query(
      `SELECT case_no AS "caseNo", status, category, content, title, handling_unit AS "handlingUnit", to_char(deadline, 'YYYY-MM-DD') AS deadline,
              received_at AS "receivedAt", updated_at AS "updatedAt", reply, upstream, citizen_name_sealed AS "nameSealed"
         FROM cases WHERE case_no = $1 AND is_public`,
      [id],
    );
    if (!rows[0]) throw new NotFoundException('no such public request');
    return [this.toOpen311(rows[0])];
  }

  private toOpen311(r: Row): Open311Request {
    const name = this.cipher.openOptional(r.nameSealed);
    const reply = r.reply?.content ?? r.upstream?.reply?.content ?? null;
    return {
      service_request_id: r.caseNo,
      status: CLOSED.has(r.status) ? 'closed' : 'open',
      status_notes: reply ? redactCitizenText(reply, name) : null,
      service_name: r.category,
      service_code: r.category ? SERVICES[r.category as Category]?.code ?? null : null,
      description: redactCitizenText(`${r.title}\n${r.content}`, name),
      agency_responsible: r.handlingUnit,
      service_notice: null,
      requested_datetime: r.receivedAt.toISOString(),
      updated_datetime: r.updatedAt.toISOString(),
      expected_datetime: r.deadline ? `${r.deadline}T23:59:59+08:00` : null,
      address: null,
      lat: null,
      long: null,
      media_url: null,
    };
  }
}
