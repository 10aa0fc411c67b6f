import { stream as excelStream, Workbook } from 'exceljs';
import { PassThrough, Writable } from 'node:stream';
import { ClientGoneError, Column, csvField, csvLine, neutralizeFormula, sheetBacklog, writeTable } from './table-writer';

interface Item {
  no: string;
  text: string | null;
  n: number | null;
}

const columns: Column<Item>[] = [
  { header: '案件编号', width: 20, value: (r) => r.no },
  { header: '内容', value: (r) => r.text },
  { header: '数量', value: (r) => r.n },
];

async function* from<T>(items: T[]): AsyncGenerator<T> {
  for (const item of items) yield item;
}

/** A sink that keeps everything written to it. */
function collector(): { out: PassThrough; done: Promise<Buffer> } {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve) => out.on('end', () => resolve(Buffer.concat(chunks))));
  return { out, done };
}

async function table(format: 'csv' | 'xlsx', items: Item[]): Promise<{ count: number; bytes: Buffer }> {
  const { out, done } = collector();
  const count = await writeTable(out, format, '案件', columns, from(items));
  return { count, bytes: await done };
}

async function readXlsx(bytes: Buffer): Promise<unknown[][]> {
  const wb = new Workbook();
  await wb.xlsx.load(bytes as unknown as ArrayBuffer);
  const sheet = wb.getWorksheet('案件');
  if (!sheet) throw new Error('no sheet 案件');
  const rows: unknown[][] = [];
  sheet.eachRow({ includeEmpty: true }, (row) => {
    rows.push(columns.map((_, i) => row.getCell(i + 1).value));
  });
  return rows;
}

const tricky: Item[] = [
  { no: 'AJ20261126-000001', text: '普通内容', n: 1 },
  { no: 'AJ20261126-000002', text: '含,逗号', n: 2 },
  { no: 'AJ20261126-000003', text: '他说"你好"', n: null },
  { no: 'AJ20261126-000004', text: '第一行\n第二行\r\n第三行', n: -3 },
  { no: 'AJ20261126-000005', text: '=HYPERLINK("http://x","点我")', n: 0 },
  { no: 'AJ20261126-000006', text: null, n: 5 },
];

describe('CSV cells', () => {
  it('quotes per RFC 4180 only when needed and doubles quotes', () => {
    expect(csvField('abc')).toBe('abc');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('a"b')).toBe('"a""b"');
    expect(csvField('a\nb')).toBe('"a\nb"');
    expect(csvField('a\rb')).toBe('"a\rb"');
    expect(csvField(null)).toBe('');
    expect(csvField(42)).toBe('42');
    expect(csvLine(['x', null, 3])).toBe('x,,3\r\n');
  });

  it.each(['=1+1', '+1', '-1+2', '@SUM(A1)', '\tx', '\rx'])('prefixes a text cell starting with %j with an apostrophe', (text) => {
    expect(neutralizeFormula(text)).toBe(`'${text}`);
    expect(csvField(text).replace(/^"/, '')).toMatch(/^'/);
  });

  it('leaves other text and numbers alone (a negative number is a value, not a formula)', () => {
    expect(neutralizeFormula('a=b')).toBe('a=b');
    expect(neutralizeFormula('')).toBe('');
    expect(csvField(-5)).toBe('-5');
  });
});

describe('writeTable CSV', () => {
  it('writes a BOM, the header and the rows with CRLF', async () => {
    const { count, bytes } = await table('csv', tricky);
    expect(count).toBe(tricky.length);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.toString('utf8').slice(1);
    expect(text).toBe(
      '案件编号,内容,数量\r\n' +
        'AJ20261126-000001,普通内容,1\r\n' +
        'AJ20261126-000002,"含,逗号",2\r\n' +
        'AJ20261126-000003,"他说""你好""",\r\n' +
        'AJ20261126-000004,"第一行\n第二行\r\n第三行",-3\r\n' +
        `AJ20261126-000005,"'=HYPERLINK(""http://x"",""点我"")",0\r\n` +
        'AJ20261126-000006,,5\r\n',
    );
  });

  it('writes only the header for an empty source', async () => {
    const { count, bytes } = await table('csv', []);
    expect(count).toBe(0);
    expect(bytes.toString('utf8')).toBe('\uFEFF案件编号,内容,数量\r\n');
  });

  it('waits for the reader (backpressure) and still writes every row', async () => {
    let inFlight = 0;
    let maxPulledAhead = 0;
    let pulled = 0;
    const slow = new Writable({
      highWaterMark: 1024,
      write(chunk: Buffer, _enc, cb) {
        inFlight += chunk.length;
        setTimeout(() => ((inFlight -= chunk.length), cb()), 1);
      },
    });
    const many = async function* () {
      for (let i = 0; i < 20_000; i++) {
        pulled++;
        maxPulledAhead = Math.max(maxPulledAhead, inFlight);
        yield { no: `AJ-${i}`, text: '一些内容'.repeat(10), n: i };
      }
    };
    const count = await writeTable(slow, 'csv', 's', columns, many());
    expect(count).toBe(20_000);
    expect(pulled).toBe(20_000);
    // Never more than about one chunk waiting in the writer while rows are pulled.
    expect(maxPulledAhead).toBeLessThan(256 * 1024);
  });

  it('stops pulling rows and tells the source when the reader goes away', async () => {
    const out = new PassThrough();
    out.on('error', () => undefined);
    out.resume();
    let pulled = 0;
    let returned = false;
    const endless = async function* () {
      try {
        for (;;) {
          pulled++;
          if (pulled === 5_000) out.destroy(); // the client disconnects
          yield { no: `AJ-${pulled}`, text: 'x'.repeat(100), n: pulled };
          await new Promise((r) => setImmediate(r));
        }
      } finally {
        returned = true;
      }
    };
    const err = await writeTable(out, 'csv', 's', columns, endless()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ClientGoneError);
    expect((err as ClientGoneError).rowsWritten).toBeGreaterThanOrEqual(4_999);
    expect(pulled).toBeLessThan(5_010);
    await new Promise((r) => setImmediate(r));
    expect(returned).toBe(true);
  });

  it('passes a failure of the source on, after the rows before it', async () => {
    const failing = async function* () {
      yield tricky[0];
      throw new Error('database went away');
    };
    const { out } = collector();
    await expect(writeTable(out, 'csv', 's', columns, failing())).rejects.toThrow('database went away');
  });
});

describe('writeTable XLSX', () => {
  it('writes a workbook that reads back with the same cells (formula text neutralized, line breaks as LF)', async () => {
    const { count, bytes } = await table('xlsx', tricky);
    expect(count).toBe(tricky.length);
    expect(bytes.subarray(0, 2).toString('latin1')).toBe('PK');
    const rows = await readXlsx(bytes);
    expect(rows[0]).toEqual(['案件编号', '内容', '数量']);
    expect(rows.slice(1)).toEqual(
      tricky.map((r) => [r.no, r.text === null ? null : neutralizeFormula(r.text).replace(/\r\n/g, '\n'), r.n]),
    );
    expect(rows[5][1]).toBe(`'=HYPERLINK("http://x","点我")`);
  });

  it('writes only the header for an empty source', async () => {
    const { count, bytes } = await table('xlsx', []);
    expect(count).toBe(0);
    expect(await readXlsx(bytes)).toEqual([['案件编号', '内容', '数量']]);
  });

  it('writes many rows through a slow reader', async () => {
    const chunks: Buffer[] = [];
    const slow = new Writable({
      highWaterMark: 4096,
      write(chunk: Buffer, _enc, cb) {
        chunks.push(chunk);
        setImmediate(cb);
      },
    });
    const finished = new Promise((r) => slow.on('finish', r));
    const many = async function* () {
      for (let i = 0; i < 5_000; i++) yield { no: `AJ-${i}`, text: `第${i}条`, n: i };
    };
    expect(await writeTable(slow, 'xlsx', '案件', columns, many())).toBe(5_000);
    await finished;
    const rows = await readXlsx(Buffer.concat(chunks));
    expect(rows).toHaveLength(5_001);
    expect(rows[5_000]).toEqual(['AJ-4999', '第4999条', 4999]);
  });

  it('finds the zip backlog inside exceljs (the internals its backpressure relies on; re-check on an exceljs upgrade)', () => {
    const out = new PassThrough();
    const wb = new excelStream.xlsx.WorkbookWriter({ stream: out, useStyles: false, useSharedStrings: false });
    const backlog = sheetBacklog(wb.addWorksheet('s'));
    expect(backlog).toBeDefined();
    expect(backlog?._writableState.length).toBe(0);
  });
});
