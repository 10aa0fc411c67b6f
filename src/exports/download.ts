import { Logger } from '@nestjs/common';
import { Response } from 'express';
import { ClientGoneError, Column, TableFormat, writeTable } from './table-writer';

export const CONTENT_TYPES: Record<TableFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

export interface Download<T> {
  /** ASCII, for the plain `filename=`. */
  filename: string;
  /** For `filename*=UTF-8''`. */
  filenameUtf8: string;
  sheetName: string;
  columns: Column<T>[];
  rows: AsyncIterable<T>;
}

/**
 * Sends a table as a file download. Until the file starts, a failure is an ordinary JSON error
 * (thrown to Nest). After it, the status line is gone: the response is cut off, so the reader sees
 * a broken download rather than a complete-looking file with rows missing, and the failure is
 * logged (no personal data: the message and counts only). A reader who leaves is not an error.
 */
export async function sendTable<T>(res: Response, format: TableFormat, d: Download<T>, logger: Logger, what: string): Promise<void> {
  const started = Date.now();
  try {
    res.status(200);
    res.setHeader('Content-Type', CONTENT_TYPES[format]);
    res.setHeader('Content-Disposition', `attachment; filename="${d.filename}"; filename*=UTF-8''${encodeURIComponent(d.filenameUtf8)}`);
    res.setHeader('Cache-Control', 'no-store');
    const rows = await writeTable(res, format, d.sheetName, d.columns, d.rows);
    logger.log(`${what} (${format}): ${rows} rows in ${Date.now() - started} ms`);
  } catch (err) {
    if (err instanceof ClientGoneError) {
      logger.log(`${what} (${format}) stopped: the client went away after ${err.rowsWritten} rows`);
      return;
    }
    // A CSV is written only by writeTable, so before its first byte the response is still ours
    // to answer in JSON. An XLSX's zip encoder writes to the response on its own: cut it off.
    if (format === 'csv' && !res.headersSent) {
      for (const h of ['Content-Type', 'Content-Disposition']) res.removeHeader(h);
      throw err;
    }
    const e = err as Error & { code?: string };
    logger.error(`${what} (${format}) failed after ${Date.now() - started} ms; the download was cut off: ${e.name}${e.code ? ` ${e.code}` : ''}: ${e.message}`);
    res.destroy();
  }
}
