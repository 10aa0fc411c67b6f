/**
 * Attachments to a unit's feedback (反馈附件): at most MAX_FILES files of at most MAX_FILE_BYTES
 * each, of the types in ATTACHMENT_TYPES — recognised from their bytes (magic numbers, and the
 * parts list of an Office file), not from the name or the browser's word: a name must agree with
 * the bytes. The multipart body is read here with busboy (a dependency of multer, which
 * @nestjs/platform-express installs), held in memory (≤ 15 MiB), and stored only after the
 * feedback step itself has been accepted (the console's feedback route).
 */
import { createHash } from 'node:crypto';
import { Request } from 'express';
import { DataSource } from 'typeorm';

export const MAX_FILES = 3;
export const MAX_FILE_BYTES = 5 * 1024 * 1024;
/** The form's text fields, together. */
const MAX_FIELD_BYTES = 64 * 1024;
/** The whole body: the files, their part headers and the fields. */
export const MAX_UPLOAD_BODY_BYTES = MAX_FILES * MAX_FILE_BYTES + 512 * 1024;

export type AttachmentKind = 'pdf' | 'jpg' | 'png' | 'docx' | 'xlsx';

export const ATTACHMENT_TYPES: Record<AttachmentKind, { contentType: string; extensions: string[]; label: string }> = {
  pdf: { contentType: 'application/pdf', extensions: ['pdf'], label: 'PDF' },
  jpg: { contentType: 'image/jpeg', extensions: ['jpg', 'jpeg'], label: 'JPG' },
  png: { contentType: 'image/png', extensions: ['png'], label: 'PNG' },
  docx: { contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', extensions: ['docx'], label: 'Word（docx）' },
  xlsx: { contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', extensions: ['xlsx'], label: 'Excel（xlsx）' },
};

/** For the file input's `accept`: a hint to the browser only; the bytes decide. */
export const ACCEPT_ATTRIBUTE = Object.values(ATTACHMENT_TYPES)
  .flatMap((t) => t.extensions.map((e) => `.${e}`))
  .join(',');

/** A refusal of the upload, in words for the person who sent it. `status`: 400, 413 or 415. */
export class AttachmentError extends Error {
  constructor(
    readonly status: 400 | 413 | 415,
    message: string,
    /** The body was not read to its end: answer with `Connection: close`. */
    readonly abandoned = false,
  ) {
    super(message);
  }
}

const TOO_BIG = `上传内容过大：最多 ${MAX_FILES} 个附件，每个不超过 ${MAX_FILE_BYTES / 1024 / 1024} MiB。`;

/** Names in a ZIP file's central directory (an Office file is a ZIP of named parts). */
function zipEntryNames(buf: Buffer): string[] | undefined {
  // The end-of-central-directory record is in the last 22 + 65535 (comment) bytes.
  const floor = Math.max(0, buf.length - 22 - 0xffff);
  let eocd = -1;
  for (let i = buf.length - 22; i >= floor; i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return undefined;
  const count = buf.readUInt16LE(eocd + 10);
  let at = buf.readUInt32LE(eocd + 16);
  const names: string[] = [];
  for (let n = 0; n < count; n++) {
    if (at + 46 > buf.length || buf.readUInt32LE(at) !== 0x02014b50) return undefined;
    const nameLen = buf.readUInt16LE(at + 28);
    const extraLen = buf.readUInt16LE(at + 30);
    const commentLen = buf.readUInt16LE(at + 32);
    if (at + 46 + nameLen > buf.length) return undefined;
    names.push(buf.toString('utf8', at + 46, at + 46 + nameLen));
    at += 46 + nameLen + extraLen + commentLen;
  }
  return names;
}

/** What the bytes are, among the accepted types; undefined for anything else. */
export function sniffAttachment(buf: Buffer): AttachmentKind | undefined {
  if (buf.length >= 5 && buf.toString('latin1', 0, 5) === '%PDF-') return 'pdf';
  if (buf.length >= 3 && buf[0] === 0xff && buf[1] === 0xd8 && buf[2] === 0xff) return 'jpg';
  if (buf.length >= 8 && buf.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'png';
  if (buf.length >= 30 && buf.readUInt32LE(0) === 0x04034b50) {
    const names = zipEntryNames(buf);
    if (!names || !names.includes('[Content_Types].xml')) return undefined;
    if (names.includes('word/document.xml')) return 'docx';
    if (names.includes('xl/workbook.xml')) return 'xlsx';
  }
  return undefined;
}

/** A file name fit to store and to send back: no path, no control characters, at most 120 characters. */
export function cleanFilename(raw: string): string {
  const base = raw.split(/[\\/]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex
  const cleaned = base.replace(/[\u0000-\u001f\u007f"<>|:*?]/g, '').trim();
  const chars = Array.from(cleaned);
  if (chars.length <= 120) return cleaned;
  const dot = cleaned.lastIndexOf('.');
  const ext = dot > 0 && cleaned.length - dot <= 8 ? cleaned.slice(dot) : '';
  return Array.from(cleaned.slice(0, cleaned.length - ext.length)).slice(0, 120 - ext.length).join('') + ext;
}

export interface CheckedFile {
  filename: string;
  kind: AttachmentKind;
  contentType: string;
  data: Buffer;
  sha256: string;
}

/** A file as received, checked: its name's extension must be an accepted type and agree with the bytes. */
export function checkFile(rawName: string, data: Buffer): CheckedFile {
  const filename = cleanFilename(rawName);
  const shown = filename || '（无名文件）';
  const ext = /\.([A-Za-z0-9]{1,8})$/.exec(filename)?.[1]?.toLowerCase();
  const claimed = (Object.keys(ATTACHMENT_TYPES) as AttachmentKind[]).find((k) => ext && ATTACHMENT_TYPES[k].extensions.includes(ext));
  const accepted = Object.values(ATTACHMENT_TYPES).map((t) => t.label).join('、');
  if (!claimed) throw new AttachmentError(415, `附件“${shown}”的类型不在允许之列：只接受 ${accepted} 文件。`);
  if (data.length === 0) throw new AttachmentError(400, `附件“${shown}”是空文件。`);
  const actual = sniffAttachment(data);
  if (actual !== claimed) {
    throw new AttachmentError(
      415,
      `附件“${shown}”的内容不是 ${ATTACHMENT_TYPES[claimed].label} 文件${actual ? `（实为 ${ATTACHMENT_TYPES[actual].label}）` : ''}：文件名与内容不符，未予接收。`,
    );
  }
  return { filename, kind: actual, contentType: ATTACHMENT_TYPES[actual].contentType, data, sha256: createHash('sha256').update(data).digest('hex') };
}

export interface UploadForm {
  fields: Record<string, string>;
  files: CheckedFile[];
}

interface BusboyFileInfo {
  filename: string;
  encoding: string;
  mimeType: string;
}
interface BusboyStream extends NodeJS.ReadableStream {
  truncated?: boolean;
}
interface Busboy extends NodeJS.WritableStream {
  on(event: 'file', cb: (name: string, stream: BusboyStream, info: BusboyFileInfo) => void): this;
  on(event: 'field', cb: (name: string, value: string, info: { valueTruncated: boolean }) => void): this;
  on(event: 'close' | 'filesLimit' | 'fieldsLimit' | 'partsLimit', cb: () => void): this;
  on(event: 'error', cb: (err: Error) => void): this;
}
type BusboyFactory = (cfg: { headers: Request['headers']; limits: Record<string, number>; defParamCharset?: string }) => Busboy;

// busboy ships no types and is not a direct dependency: required where @nestjs/platform-express's multer put it.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const busboy = require('busboy') as BusboyFactory;

/**
 * Reads a multipart/form-data request: its text fields and up to MAX_FILES non-empty files (file
 * inputs left empty are ignored), each checked by `checkFile`. The whole body is read even when it
 * is refused (so the answer reaches the browser), but nothing past the limits is kept in memory.
 */
export function readUpload(req: Request): Promise<UploadForm> {
  return new Promise<UploadForm>((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (Number.isFinite(declared) && declared > MAX_UPLOAD_BODY_BYTES) return reject(new AttachmentError(413, TOO_BIG, true));
    let bb: Busboy;
    try {
      bb = busboy({ headers: req.headers, defParamCharset: 'utf8', limits: { files: 10, fields: 20, parts: 40, fileSize: MAX_FILE_BYTES + 1, fieldSize: MAX_FIELD_BYTES } });
    } catch {
      return reject(new AttachmentError(400, '表单格式无效（应为 multipart/form-data）。'));
    }
    const fields: Record<string, string> = {};
    const received: { name: string; data: Buffer }[] = [];
    let problem: AttachmentError | undefined;
    let total = 0;
    let pending = 0;
    let closed = false;
    const fail = (e: AttachmentError) => (problem ??= e);
    let settled = false;
    const finish = () => {
      if (settled || !closed || pending > 0) return;
      settled = true;
      if (problem) return reject(problem);
      try {
        resolve({ fields, files: received.map((f) => checkFile(f.name, f.data)) });
      } catch (err) {
        reject(err);
      }
    };
    const abandon = (e: AttachmentError) => {
      problem = e;
      req.unpipe(bb);
      req.pause();
      closed = true;
      pending = 0;
      finish();
    };
    req.on('data', (chunk: Buffer) => {
      total += chunk.length;
      if (total > MAX_UPLOAD_BODY_BYTES && !closed) abandon(new AttachmentError(413, TOO_BIG, true)); // a body without (or lying about) its length
    });
    bb.on('field', (name, value, info) => {
      if (info.valueTruncated) fail(new AttachmentError(413, `表单字段“${name}”过长。`));
      else fields[name] = value;
    });
    bb.on('file', (_name, stream, info) => {
      const chunks: Buffer[] = [];
      let size = 0;
      pending++;
      stream.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (!problem && size <= MAX_FILE_BYTES) chunks.push(chunk);
      });
      stream.on('end', () => {
        pending--;
        const filename = info.filename ?? '';
        if (size === 0 && !filename) return finish(); // a file input left empty
        if (stream.truncated || size > MAX_FILE_BYTES) {
          fail(new AttachmentError(413, `附件“${cleanFilename(filename) || '（无名文件）'}”超过 ${MAX_FILE_BYTES / 1024 / 1024} MiB，未予接收；每个附件不得超过 ${MAX_FILE_BYTES / 1024 / 1024} MiB。`));
        } else if (received.length >= MAX_FILES) {
          fail(new AttachmentError(400, `一次反馈最多附 ${MAX_FILES} 个文件。`));
        } else if (!problem) {
          received.push({ name: filename, data: Buffer.concat(chunks) });
        }
        finish();
      });
    });
    bb.on('filesLimit', () => fail(new AttachmentError(400, `一次反馈最多附 ${MAX_FILES} 个文件。`)));
    bb.on('fieldsLimit', () => fail(new AttachmentError(400, '表单字段过多。')));
    bb.on('partsLimit', () => fail(new AttachmentError(400, '表单字段过多。')));
    bb.on('error', () => {
      if (!closed) abandon(new AttachmentError(400, '表单无法读取（上传中断或格式无效），请重新提交。', true));
    });
    bb.on('close', () => {
      if (closed) return;
      closed = true;
      finish();
    });
    req.on('error', () => {
      if (!closed) abandon(new AttachmentError(400, '上传中断，请重新提交。', true));
    });
    req.pipe(bb);
  });
}

export interface AttachmentRow {
  id: string;
  caseId: string;
  eventId: string | null;
  filename: string;
  contentType: string;
  sizeBytes: number;
  sha256: string;
  uploadedBy: string;
  uploadedAt: Date;
}

const ROW = `id::text, case_id::text AS "caseId", event_id::text AS "eventId", filename, content_type AS "contentType",
  size_bytes AS "sizeBytes", sha256, uploaded_by AS "uploadedBy", uploaded_at AS "uploadedAt"`;

/** The attachment store (table case_attachment). Access rules are the caller's: it checks the case first. */
export class CaseAttachments {
  constructor(private readonly db: DataSource) {}

  /**
   * Stores the files of a step that has just been recorded, linked to the case's latest event of
   * that type (the step's own row: a case takes one such step at a time). One statement: all or none.
   */
  async storeForLatestEvent(caseNo: string, eventType: string, files: CheckedFile[], by: string, at: Date): Promise<AttachmentRow[]> {
    if (!files.length) return [];
    return this.db.query(
      `WITH c AS (SELECT id FROM cases WHERE case_no = $1),
            e AS (SELECT max(ev.id) AS id FROM case_event ev, c WHERE ev.case_id = c.id AND ev.type = $2)
       INSERT INTO case_attachment (case_id, event_id, filename, content_type, size_bytes, sha256, data, uploaded_by, uploaded_at)
       SELECT c.id, e.id, f.filename, f.content_type, f.size_bytes, f.sha256, f.data, $8, $9
         FROM c, e, unnest($3::text[], $4::text[], $5::int[], $6::text[], $7::bytea[]) WITH ORDINALITY AS f(filename, content_type, size_bytes, sha256, data, n)
        ORDER BY f.n
       RETURNING ${ROW}`,
      [
        caseNo,
        eventType,
        files.map((f) => f.filename),
        files.map((f) => f.contentType),
        files.map((f) => f.data.length),
        files.map((f) => f.sha256),
        files.map((f) => f.data),
        by,
        at,
      ],
    );
  }

  async list(caseId: string): Promise<AttachmentRow[]> {
    return this.db.query(`SELECT ${ROW} FROM case_attachment WHERE case_id = $1 ORDER BY id`, [caseId]);
  }

  /** One attachment of one case, with its bytes. */
  async get(caseId: string, id: string): Promise<(AttachmentRow & { data: Buffer }) | undefined> {
    if (!/^\d{1,18}$/.test(id)) return undefined;
    const rows = await this.db.query(`SELECT ${ROW}, data FROM case_attachment WHERE case_id = $1 AND id = $2`, [caseId, id]);
    return rows[0];
  }
}
