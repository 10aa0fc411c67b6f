/**
 * The public record of 舆论监督: replied cases whose authors agreed to publication (`is_public`).
 * Only what the page shows is read, plus the sealed name to mask it in the texts; never a phone,
 * email, ID number or query code.
 */
import { DataSource } from 'typeorm';

export interface PublicCaseRow {
  caseNo: string;
  channelId: string;
  category: string | null;
  title: string;
  content: string;
  reply: { content?: string; unit?: string } | null;
  handlingUnit: string | null;
  /** 满意 / 基本满意 when the citizen rated the reply shown (not an earlier one). */
  satisfaction: string | null;
  /** Used to mask the citizen's own name in the texts; never shown. */
  nameSealed: string | null;
  receivedAt: Date;
  repliedAt: Date;
}

/**
 * A case is listed when it is public, not anonymized (its name could no longer be masked), and
 * answered now: its latest answer is a reply (not 不予受理 or 告知) and it is replied, closed or
 * archived (a case sent back for 重办 leaves the list until it is answered again).
 */
const PUBLIC_REPLIED = `
  FROM cases c
  JOIN LATERAL (SELECT e.type, e.at FROM case_event e
                 WHERE e.case_id = c.id AND e.type IN ('reply', 'decline', 'refer')
                 ORDER BY e.at DESC, e.id DESC LIMIT 1) r ON r.type = 'reply'
 WHERE c.is_public AND c.status IN ('replied', 'closed', 'archived') AND c.reply IS NOT NULL AND c.anonymized_at IS NULL`;

const COLUMNS = `c.case_no AS "caseNo", c.channel_id AS "channelId", c.category, c.title, c.content, c.reply, c.handling_unit AS "handlingUnit",
  CASE WHEN EXISTS (SELECT 1 FROM case_event s WHERE s.case_id = c.id AND s.type = 'rate_satisfied' AND s.at >= r.at) THEN c.satisfaction END AS satisfaction,
  c.citizen_name_sealed AS "nameSealed", c.received_at AS "receivedAt", r.at AS "repliedAt"`;

export const CASE_NO = /^[A-Z]{2}\d{8}-\d{6,12}$/;

export class PublicListRepository {
  constructor(private readonly db: DataSource) {}

  /** Newest reply first. */
  async page(limit: number, offset: number): Promise<{ items: PublicCaseRow[]; total: number }> {
    const [items, [{ n }]] = await Promise.all([
      this.db.query(`SELECT ${COLUMNS} ${PUBLIC_REPLIED} ORDER BY r.at DESC, c.id DESC LIMIT $1 OFFSET $2`, [limit, offset]) as Promise<PublicCaseRow[]>,
      this.db.query(`SELECT count(*)::int AS n ${PUBLIC_REPLIED}`) as Promise<{ n: number }[]>,
    ]);
    return { items, total: n };
  }

  /** One listed case; undefined for a case that is missing, not public, or not answered. */
  async one(caseNo: string): Promise<PublicCaseRow | undefined> {
    if (!CASE_NO.test(caseNo)) return undefined;
    const rows: PublicCaseRow[] = await this.db.query(`SELECT ${COLUMNS} ${PUBLIC_REPLIED} AND c.case_no = $1`, [caseNo]);
    return rows[0];
  }
}
