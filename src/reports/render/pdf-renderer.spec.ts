/**
 * The PDF renderer against the real Chromium (Debian's package). One browser for the whole file;
 * skipped only when HUB_SKIP_BROWSER_TESTS=1 says so.
 */
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { countPdfPages, PdfRenderer } from './pdf-renderer';
import { renderReportHtml } from './report-html';
import { sampleReport } from './sample-report';

const CHROMIUM = process.env.HUB_CHROMIUM_PATH || '/usr/bin/chromium';
// Reports need Chromium: CI installs it (.ci/run), so a missing browser fails there. Elsewhere the
// browser tests may be skipped only on purpose, with HUB_SKIP_BROWSER_TESTS=1.
const haveChromium = existsSync(CHROMIUM);
const skip = process.env.HUB_SKIP_BROWSER_TESTS === '1';
if (skip) console.warn(`pdf-renderer.spec: browser tests skipped (HUB_SKIP_BROWSER_TESTS=1; Chromium ${haveChromium ? 'present' : 'missing'})`);
const withChromium = skip ? describe.skip : describe;

function page(body: string, style = ''): string {
  return `<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><style>@page { size: A4; margin: 18mm 15mm } ${style}</style></head><body>${body}</body></html>`;
}

describe('countPdfPages', () => {
  const pdf = (s: string): Buffer => Buffer.from(s, 'latin1');

  test.each<[string, string, number]>([
    ['spaced', '1 0 obj << /Type /Page /Parent 3 0 R >> endobj 2 0 obj << /Type /Page >>', 2],
    ['compact', '<</Type/Page/Parent 3 0 R>><</Type/Page>>', 2],
    ['line breaks and tabs', '<< /Type\n/Page >> << /Type\t /Page\r\n>>', 2],
    ['the page tree is not a page', '<< /Type /Pages /Kids [4 0 R] /Count 1 >> << /Type /Page >>', 1],
    ['nor a page label', '<< /Type /PageLabel >> << /Type/Pages >>', 0],
    ['nothing', '%PDF-1.4 %%EOF', 0],
  ])('%s', (_name, text, expected) => {
    expect(countPdfPages(pdf(text))).toBe(expected);
  });
});

describe('PdfRenderer without Chromium', () => {
  test('a missing executable rejects with the path tried and how to install it', async () => {
    const renderer = new PdfRenderer({ executablePath: '/nonexistent/chromium-for-test' });
    await expect(renderer.render(page('x'))).rejects.toThrow(/\/nonexistent\/chromium-for-test.*chromium package/);
    // and keeps saying so (no half-launched state)
    await expect(renderer.render(page('x'))).rejects.toThrow(/\/nonexistent\/chromium-for-test/);
    await renderer.close();
  });

  test('defaults to HUB_CHROMIUM_PATH', async () => {
    const before = process.env.HUB_CHROMIUM_PATH;
    process.env.HUB_CHROMIUM_PATH = '/nonexistent/from-env';
    try {
      await expect(new PdfRenderer().render(page('x'))).rejects.toThrow(/\/nonexistent\/from-env/);
    } finally {
      if (before === undefined) delete process.env.HUB_CHROMIUM_PATH;
      else process.env.HUB_CHROMIUM_PATH = before;
    }
  });
});

withChromium('PdfRenderer with Chromium', () => {
  const renderer = new PdfRenderer({ executablePath: CHROMIUM });
  afterAll(() => renderer.close());

  test('a one-page document is one page', async () => {
    const { pdf, pages } = await renderer.render(page('<h1>运城市市长信箱</h1>'));
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pages).toBe(1);
    expect(countPdfPages(pdf)).toBe(1);
  });

  test('CSS page breaks make pages', async () => {
    const { pages } = await renderer.render(page('<p>一</p><p style="break-before: page">二</p><p style="break-before: page">三</p>'));
    expect(pages).toBe(3);
  });

  test('the sample report prints to several A4 pages', async () => {
    const started = Date.now();
    const { pdf, pages } = await renderer.render(renderReportHtml(sampleReport()));
    const ms = Date.now() - started;
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pages).toBeGreaterThanOrEqual(3);
    expect(pages).toBe(countPdfPages(pdf));
    // A4 in points, as the CSS page size asks
    const boxes = pdf.toString('latin1').match(/\/MediaBox \[[^\]]*\]/g) ?? [];
    expect(boxes).toHaveLength(pages);
    for (const box of boxes) {
      const [, , w, h] = box.slice(11, -1).trim().split(/\s+/).map(Number);
      expect([Math.round(w), Math.round(h)]).toEqual([595, 842]);
    }
    expect(ms).toBeLessThan(30000);
  });

  test('two concurrent renders both succeed', async () => {
    const [a, b] = await Promise.all([renderer.render(page('<p>甲</p>')), renderer.render(page('<p>乙</p><p style="break-before: page">丙</p>'))]);
    expect(a.pages).toBe(1);
    expect(b.pages).toBe(2);
  });

  test('a failed render does not block the next one', async () => {
    const bad = renderer.render(null as unknown as string);
    const good = renderer.render(page('<p>好</p>'));
    await expect(bad).rejects.toThrow();
    await expect(good).resolves.toMatchObject({ pages: 1 });
  });

  test('the page can fetch nothing and runs no script', async () => {
    let requests = 0;
    const server: Server = createServer((_req, res) => {
      requests++;
      res.end('body { background: red }');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const base = `http://127.0.0.1:${port}`;
      const html = page(
        `<link rel="stylesheet" href="${base}/a.css"><img src="${base}/b.png"><iframe src="${base}/c"></iframe><p>正文</p>` +
          // were script to run, it would add two pages
          `<script>document.body.insertAdjacentHTML('beforeend', '<p style="break-before:page">x</p><p style="break-before:page">y</p>'); fetch('${base}/d');</script>`,
        `body { background-image: url(${base}/e.png) }`,
      );
      const { pages } = await renderer.render(html);
      expect(pages).toBe(1);
      expect(requests).toBe(0);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  test('a browser that went away (crash) is replaced on the next render', async () => {
    await renderer.render(page('<p>先</p>'));
    // Reach the private browser to simulate a crash: it disconnects without close().
    const inner = renderer as unknown as { browser: { close(): Promise<void> } | null };
    expect(inner.browser).not.toBeNull();
    await inner.browser?.close();
    const { pages } = await renderer.render(page('<p>后</p>'));
    expect(pages).toBe(1);
  });

  test('after close() the next render starts a new browser', async () => {
    await renderer.close();
    const { pages } = await renderer.render(page('<p>再次</p>'));
    expect(pages).toBe(1);
  });
});
