/**
 * The switch-over import of a portal's old message board: pure parsing of its list and detail
 * pages (per-portal CSS selectors in config) and of export files (JSON or CSV). The hub fetches
 * the pages (politely, in the declared charset) and stores each record once.
 */
import { load } from 'cheerio';

export interface ImportConfig {
  /** The list page URL with `{page}` for the page number, e.g. https://x.gov.cn/hdjl/index_{page}.html */
  listUrl: string;
  /** The first page's URL when it differs (many CMSs use index.html, then index_2.html ...). */
  firstPageUrl?: string;
  maxPages: number;
  /** Page charset when the server does not say (gbk for most old government sites). */
  charset?: string;
  selectors: { item: string; link: string; title?: string; date?: string; status?: string };
  /** Status words of a message still unanswered (only those are imported). Empty: import all. */
  unansweredText: string[];
  detail: { content: string; title?: string; name?: string; phone?: string; date?: string };
}

export interface ListItem {
  url: string;
  title: string;
  date?: string;
  status?: string;
}

/** A record in the hub's field names, ready for the portal mapper. */
export interface ImportRecord {
  externalId: string;
  title?: string;
  content: string;
  name?: string;
  phone?: string;
  submittedAt?: string;
}

const text = (s: string | undefined) => (s ?? '').replace(/\s+/g, ' ').trim();

export function parseImportConfig(raw: unknown): ImportConfig | string {
  if (typeof raw !== 'object' || raw === null) return 'import is not configured for this portal (config.import)';
  const c = raw as Record<string, unknown>;
  const sel = c.selectors as Record<string, unknown> | undefined;
  const det = c.detail as Record<string, unknown> | undefined;
  if (typeof c.listUrl !== 'string' || !/^https?:\/\//.test(c.listUrl) || !c.listUrl.includes('{page}')) return 'import.listUrl must be an http(s) URL with {page}';
  if (!sel || typeof sel.item !== 'string' || typeof sel.link !== 'string') return 'import.selectors needs item and link';
  if (!det || typeof det.content !== 'string') return 'import.detail needs content';
  const str = (o: Record<string, unknown>, k: string) => (typeof o[k] === 'string' ? (o[k] as string) : undefined);
  return {
    listUrl: c.listUrl,
    firstPageUrl: typeof c.firstPageUrl === 'string' ? c.firstPageUrl : undefined,
    maxPages: typeof c.maxPages === 'number' && c.maxPages > 0 ? Math.min(c.maxPages, 1000) : 50,
    charset: typeof c.charset === 'string' ? c.charset : undefined,
    selectors: { item: sel.item, link: sel.link, title: str(sel, 'title'), date: str(sel, 'date'), status: str(sel, 'status') },
    unansweredText: Array.isArray(c.unansweredText) ? c.unansweredText.filter((t): t is string => typeof t === 'string') : ['未回复', '待回复', '未办理', '办理中'],
    detail: { content: det.content, title: str(det, 'title'), name: str(det, 'name'), phone: str(det, 'phone'), date: str(det, 'date') },
  };
}

export function pageUrl(c: ImportConfig, page: number): string {
  return page === 1 && c.firstPageUrl ? c.firstPageUrl : c.listUrl.replace('{page}', String(page));
}

export function parseListPage(html: string, c: ImportConfig, pageUrlValue: string): ListItem[] {
  const $ = load(html);
  const items: ListItem[] = [];
  $(c.selectors.item).each((_, el) => {
    const item = $(el);
    const href = item.find(c.selectors.link).first().attr('href');
    if (!href) return;
    const title = text(c.selectors.title ? item.find(c.selectors.title).first().text() : item.find(c.selectors.link).first().text());
    items.push({
      url: new URL(href, pageUrlValue).toString(),
      title,
      date: c.selectors.date ? text(item.find(c.selectors.date).first().text()) || undefined : undefined,
      status: c.selectors.status ? text(item.find(c.selectors.status).first().text()) || undefined : undefined,
    });
  });
  return items;
}

export function isUnanswered(item: ListItem, c: ImportConfig): boolean {
  if (c.unansweredText.length === 0) return true;
  return item.status !== undefined && c.unansweredText.some((w) => item.status!.includes(w));
}

export function parseDetailPage(html: string, c: ImportConfig, item: ListItem): ImportRecord | undefined {
  const $ = load(html);
  const body = $(c.detail.content).first();
  // Line breaks written as markup survive as newlines.
  body.find('br').replaceWith('\n');
  body.find('p, div, li').each((_, el) => void $(el).append('\n'));
  const content = body.text().replace(/\r\n?/g, '\n').replace(/[ \t]+/g, ' ').replace(/ *\n */g, '\n').replace(/\n{3,}/g, '\n\n').trim();
  if (!content) return undefined;
  const pick = (sel?: string) => (sel ? text($(sel).first().text()) || undefined : undefined);
  return {
    externalId: `import:${new URL(item.url).pathname}${new URL(item.url).search}`,
    title: pick(c.detail.title) ?? item.title,
    content,
    name: pick(c.detail.name),
    phone: pick(c.detail.phone),
    submittedAt: chinaDateTime(pick(c.detail.date) ?? item.date),
  };
}

/** `2020-04-28`, `2020-04-28 10:31`, `2020/4/28 10:31:05`, `2020年04月28日` → ISO 8601 in +08:00. */
export function chinaDateTime(value: string | undefined): string | undefined {
  if (!value) return undefined;
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(value.trim())) {
    const at = new Date(value.trim());
    return Number.isNaN(at.getTime()) ? undefined : at.toISOString();
  }
  const m = /(\d{4})\s*[-/年.]\s*(\d{1,2})\s*[-/月.]\s*(\d{1,2})(?!\d)\s*日?(?:\s*(\d{1,2}):(\d{2})(?::(\d{2}))?)?/.exec(value);
  if (!m) return undefined;
  const [y, mo, d, h = 0, mi = 0, sec = 0] = m.slice(1).map((v) => (v === undefined ? undefined : Number(v))) as number[];
  const daysInMonth = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth || h > 23 || mi > 59 || sec > 59) return undefined;
  return new Date(Date.UTC(y, mo - 1, d, h - 8, mi, sec)).toISOString();
}

/**
 * An export file of the old board: JSON (an array of objects) or CSV with a header row. Field
 * names are the hub's (id, title, content, name, phone, submittedAt) or mapped by `fieldMap`.
 */
export function parseExportFile(format: 'json' | 'csv', data: string, fieldMap: Record<string, string> = {}): { records: ImportRecord[]; errors: string[] } {
  const rows: (Record<string, string> | null | undefined)[] = [];
  if (format === 'json') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(data);
    } catch (err) {
      return { records: [], errors: [`the file is not JSON: ${(err as Error).message}`] };
    }
    if (!Array.isArray(parsed)) return { records: [], errors: ['a JSON export must be an array of messages'] };
    // Every entry keeps its place (row n = the n-th entry), so errors point at the right one.
    for (const r of parsed) {
      rows.push(r && typeof r === 'object' && !Array.isArray(r) ? Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v === null || v === undefined ? '' : String(v)])) : null);
    }
  } else {
    const table = parseCsv(data);
    const [header, ...body] = table;
    if (!header) return { records: [], errors: ['the CSV file is empty'] };
    for (const line of body) rows.push(line.some((c) => c.trim() !== '') ? Object.fromEntries(header.map((h, i) => [h.trim(), line[i] ?? ''])) : undefined);
  }
  const records: ImportRecord[] = [];
  const errors: string[] = [];
  rows.forEach((row, index) => {
    if (row === undefined) return; // a blank CSV line
    if (row === null) {
      errors.push(`row ${index + 1}: not an object`);
      return;
    }
    const get = (field: string) => {
      const key = Object.keys(fieldMap).find((k) => fieldMap[k] === field) ?? field;
      const v = row[key];
      return v === undefined || v.trim() === '' ? undefined : v.trim();
    };
    const id = get('id') ?? get('externalId');
    const content = get('content');
    if (!id || !content) {
      errors.push(`row ${index + 1}: id and content are required`);
      return;
    }
    records.push({ externalId: `import:${id}`, title: get('title'), content, name: get('name'), phone: get('phone'), submittedAt: chinaDateTime(get('submittedAt')) ?? get('submittedAt') });
  });
  return { records, errors };
}

/** RFC 4180 CSV: quoted fields, doubled quotes, newlines inside quotes; a BOM is ignored. */
export function parseCsv(data: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  const s = data.replace(/^\uFEFF/, '');
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (quoted) {
      if (ch === '"' && s[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && s[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  if (field !== '' || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}
