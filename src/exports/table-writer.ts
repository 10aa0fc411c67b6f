/**
 * Writes a table (a header row and then one row per item of an async source) as CSV or XLSX
 * straight to a response, row by row, so an export of any size holds only a few rows in memory.
 *
 * Format-independent: callers describe columns once and pick the format. No Nest, no database.
 */
import { stream as excelStream } from 'exceljs';
import type { Stream, Writable } from 'node:stream';

export interface Column<T> {
  header: string;
  /** Column width in XLSX (characters); CSV has none. */
  width?: number;
  value: (row: T) => string | number | null;
}

export type TableFormat = 'csv' | 'xlsx';

/** The reader closed the connection before the table was complete; nothing more was written. */
export class ClientGoneError extends Error {
  constructor(readonly rowsWritten: number) {
    super(`the client closed the connection after ${rowsWritten} rows`);
    this.name = 'ClientGoneError';
  }
}

/** UTF-8 byte order mark: without it Excel opens a UTF-8 CSV as the local ANSI code page (GBK) and garbles Chinese. */
export const CSV_BOM = '\uFEFF';

/**
 * Spreadsheet formula injection (CWE-1236): a cell that starts with one of these may be run as a
 * formula when the file is opened (`=HYPERLINK(...)`, `@SUM(...)`, `+cmd|...`). Citizens write the
 * titles and texts we export, so such a cell gets a leading apostrophe, which spreadsheets show
 * as text and do not evaluate.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

/** A string cell made safe to open in a spreadsheet. Numbers are left alone: they are values, not text. */
export function neutralizeFormula(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/** One CSV field (RFC 4180): quoted when it holds a quote, a comma or a line break; quotes doubled. */
export function csvField(value: string | number | null): string {
  if (value === null) return '';
  const text = typeof value === 'number' ? String(value) : neutralizeFormula(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One CSV record with its CRLF terminator. */
export function csvLine(values: readonly (string | number | null)[]): string {
  return values.map(csvField).join(',') + '\r\n';
}

/**
 * The same protection for XLSX: string cells neutralized, numbers as numbers, null as an empty
 * cell. Line breaks become LF, which is what Excel uses in a cell (and what any XML reader would
 * turn CR LF into anyway).
 */
function xlsxCell(value: string | number | null): string | number | null {
  return typeof value === 'string' ? neutralizeFormula(value).replace(/\r\n?/g, '\n') : value;
}

/** Writes are gathered up to this size before they reach the socket (one write per row costs more than the row). */
const CSV_CHUNK_CHARS = 32 * 1024;

interface Sink<T> {
  row(item: T): void | Promise<void>;
  end(): Promise<void>;
}

/**
 * Writes the header row and every row of `rows` to `out` in the format asked for, ends `out`, and
 * returns the number of rows written (the header not counted).
 *
 * Backpressure: a row is pulled from the source only when `out` can take more. If the reader goes
 * away first (`out` closes before it finishes), the source is told to stop (its `return()` is
 * called, which for a database cursor releases the connection) and `ClientGoneError` is thrown.
 * Any other failure (of the source or of the encoder) is thrown as is; the caller decides what to
 * do with the half-written response.
 */
export async function writeTable<T>(
  out: NodeJS.WritableStream,
  format: TableFormat,
  sheetName: string,
  columns: Column<T>[],
  rows: AsyncIterable<T>,
): Promise<number> {
  const source = rows[Symbol.asyncIterator]();
  let written = 0;
  let exhausted = false;
  const gone = () => state(out).destroyed === true && state(out).writableFinished !== true;
  /**
   * Waits for `p` unless the reader leaves first. A listener per wait, removed after it: a
   * promise shared by every wait would keep one reaction per row until the export ends.
   */
  const unlessGone = <R>(p: Promise<R>): Promise<R> =>
    new Promise<R>((resolve, reject) => {
      if (gone()) return reject(new ClientGoneError(written));
      const onClose = () => {
        if (state(out).writableFinished !== true) reject(new ClientGoneError(written));
      };
      out.once('close', onClose);
      p.then(
        (v) => (out.removeListener('close', onClose), resolve(v)),
        (e: unknown) => (out.removeListener('close', onClose), reject(e)),
      );
    });
  try {
    const sink = format === 'csv' ? csvSink(out, columns, unlessGone) : xlsxSink(out, sheetName, columns, unlessGone);
    for (;;) {
      const next = await unlessGone(source.next());
      if (next.done) {
        exhausted = true;
        break;
      }
      await sink.row(next.value);
      written++;
    }
    await unlessGone(sink.end());
    return written;
  } catch (err) {
    if (!exhausted) {
      // Stop the source (a cursor, a connection) now rather than when it is garbage collected.
      // An async generator busy in its own next() runs this as soon as that settles.
      source.return?.().catch(() => undefined);
    }
    throw err;
  }
}

/** What this module reads of a node stream.Writable (an express Response is one), when `out` is one. */
type WritableState = Partial<Pick<Writable, 'writableFinished' | 'writableNeedDrain' | 'destroyed'>>;
const state = (out: NodeJS.WritableStream): WritableState => out as NodeJS.WritableStream & WritableState;

const drain = (out: NodeJS.WritableStream): Promise<void> => new Promise((resolve) => out.once('drain', resolve));

type UnlessGone = <R>(p: Promise<R>) => Promise<R>;

function csvSink<T>(out: NodeJS.WritableStream, columns: Column<T>[], unlessGone: UnlessGone): Sink<T> {
  let pending = CSV_BOM + csvLine(columns.map((c) => c.header));
  const flush = async (): Promise<void> => {
    const chunk = pending;
    pending = '';
    if (!out.write(chunk, 'utf8')) await unlessGone(drain(out));
  };
  return {
    row(item) {
      pending += csvLine(columns.map((c) => c.value(item)));
      return pending.length >= CSV_CHUNK_CHARS ? flush() : undefined;
    },
    async end() {
      if (pending) await flush();
      await new Promise<void>((resolve) => out.end(resolve));
    },
  };
}

/** How much sheet XML may wait for the zip encoder before rows stop being pulled. */
const XLSX_BACKLOG_BYTES = 1024 * 1024;

/** The part of a node (or readable-stream) writable that tells how much it holds. */
interface Backlog {
  _writableState: { length: number };
  once(event: 'drain', listener: () => void): unknown;
}

/**
 * exceljs 4.4 hands a sheet's XML to the zip through a StreamBuf that ignores backpressure: it
 * writes into the zip entry's PassThrough whatever that answers, so with a fast database the whole
 * sheet (≈1 kB a row, uncompressed) piles up there while deflate catches up — 100 MB for 100,000
 * rows. This finds that PassThrough (exceljs internals: `worksheet.stream.pipes[0]`) so the
 * writer can wait for it; undefined if a later exceljs is shaped differently (then only the
 * response's own backpressure applies, and the spec that checks this shape fails).
 */
export function sheetBacklog(sheet: object): Backlog | undefined {
  const pipes = (sheet as { stream?: { pipes?: unknown[] } }).stream?.pipes;
  const first = Array.isArray(pipes) ? (pipes[0] as Partial<Backlog> | undefined) : undefined;
  return typeof first?._writableState?.length === 'number' && typeof first.once === 'function' ? (first as Backlog) : undefined;
}

function xlsxSink<T>(out: NodeJS.WritableStream, sheetName: string, columns: Column<T>[], unlessGone: UnlessGone): Sink<T> {
  // No styles and no shared strings: both would grow in memory with the number of rows until commit.
  // (exceljs types its option as a Stream class; every node writable stream is one.)
  const workbook = new excelStream.xlsx.WorkbookWriter({ stream: out as NodeJS.WritableStream & Stream, useStyles: false, useSharedStrings: false });
  const sheet = workbook.addWorksheet(sheetName);
  sheet.columns = columns.map((c) => ({ width: c.width }));
  sheet.addRow(columns.map((c) => xlsxCell(c.header))).commit();
  return {
    row(item) {
      sheet.addRow(columns.map((c) => xlsxCell(c.value(item)))).commit();
      // Pause while the zip encoder or the response is behind: the rows wait in the database
      // rather than in this process.
      const backlog = sheetBacklog(sheet);
      if (backlog && backlog._writableState.length > XLSX_BACKLOG_BYTES) return unlessGone(new Promise<void>((resolve) => backlog.once('drain', resolve)));
      return state(out).writableNeedDrain ? unlessGone(drain(out)) : undefined;
    },
    // Resolves when the zip is complete and `out` has flushed it ('finish').
    end: () => workbook.commit(),
  };
}
