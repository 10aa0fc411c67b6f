/**
 * Prints a report's HTML to PDF with the system's headless Chromium (Debian's `chromium`
 * package) through playwright-core. One browser per renderer, started on first use and reused;
 * renders run one at a time, each in a fresh context whose network is cut off, so a report can
 * never fetch anything (nor run script: JavaScript is disabled too).
 */
import { constants as fsConstants } from 'node:fs';
import { access } from 'node:fs/promises';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';

/** Where Chromium is and how long one render may take. */
export interface PdfRendererOptions {
  /** Default: HUB_CHROMIUM_PATH, else /usr/bin/chromium. */
  executablePath?: string;
  /** Upper bound for launching the browser and for one render, in ms. Default 60000. */
  timeoutMs?: number;
}

/** A rendered report. */
export interface RenderedPdf {
  pdf: Buffer;
  pages: number;
}

/** Flags for a server without display, GPU or the browser's background services. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-dev-shm-usage',
];

const INSTALL_HINT = "install Debian's chromium package (apt-get install chromium) or set HUB_CHROMIUM_PATH";

/**
 * Counts the pages of a PDF: the `/Type /Page` objects (not `/Pages`, the page tree), however
 * the writer spaced them (`/Type/Page`, `/Type /Page`, line breaks). Chromium writes page
 * dictionaries uncompressed, so this is exact for its output.
 */
export function countPdfPages(pdf: Buffer): number {
  const text = pdf.toString('latin1');
  return text.match(/\/Type\s*\/Page(?![A-Za-z0-9])/g)?.length ?? 0;
}

/** Renders HTML to A4 PDF; keep one per process and `close()` it on shutdown. */
export class PdfRenderer {
  private readonly executablePath: string;
  private readonly timeoutMs: number;
  private browser: Browser | null = null;
  /** The end of the queue: every task starts after the one before has settled. */
  private tail: Promise<unknown> = Promise.resolve();

  constructor(options: PdfRendererOptions = {}) {
    this.executablePath = options.executablePath ?? (process.env.HUB_CHROMIUM_PATH || '/usr/bin/chromium');
    this.timeoutMs = options.timeoutMs ?? 60000;
  }

  /** Prints `html` (a complete document) to an A4 PDF, honouring its CSS page size. */
  render(html: string): Promise<RenderedPdf> {
    return this.serialize(() => this.renderNow(html));
  }

  /** Closes the browser after the queued renders; a later render starts a new one. */
  close(): Promise<void> {
    return this.serialize(() => this.closeBrowser());
  }

  private serialize<T>(task: () => Promise<T>): Promise<T> {
    const run = this.tail.then(task);
    this.tail = run.catch(() => undefined);
    return run;
  }

  private async renderNow(html: string): Promise<RenderedPdf> {
    const browser = await this.ensureBrowser();
    const opened: { context?: BrowserContext } = {};
    const work = async (): Promise<RenderedPdf> => {
      const context = await browser.newContext({ javaScriptEnabled: false, serviceWorkers: 'block' });
      opened.context = context;
      await context.route('**/*', (route) => {
        const url = route.request().url();
        return url.startsWith('about:') || url.startsWith('data:') ? route.continue() : route.abort('blockedbyclient');
      });
      const page = await context.newPage();
      page.setDefaultTimeout(this.timeoutMs);
      await page.setContent(html, { waitUntil: 'load' });
      const pdf = await page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true });
      return { pdf, pages: countPdfPages(pdf) };
    };
    try {
      return await withTimeout(work(), this.timeoutMs, 'rendering the PDF');
    } catch (err) {
      // A render that timed out may have left Chromium stuck: start afresh next time.
      if (err instanceof TimeoutError) await this.closeBrowser();
      throw err;
    } finally {
      await opened.context?.close().catch(() => undefined);
    }
  }

  private async ensureBrowser(): Promise<Browser> {
    if (this.browser?.isConnected()) return this.browser;
    this.browser = null;
    const path = this.executablePath;
    try {
      await access(path, fsConstants.X_OK);
    } catch {
      throw new Error(`Chromium not found or not executable at ${path}: ${INSTALL_HINT}.`);
    }
    let browser: Browser;
    try {
      // The hub handles its own signals (graceful shutdown): playwright must not install handlers
      // of its own, or a SIGTERM after the first PDF no longer stops the process.
      browser = await chromium.launch({ executablePath: path, args: CHROMIUM_ARGS, timeout: this.timeoutMs, handleSIGINT: false, handleSIGTERM: false, handleSIGHUP: false });
    } catch (err) {
      throw new Error(`Chromium at ${path} failed to start (${err instanceof Error ? err.message.split('\n')[0] : String(err)}): ${INSTALL_HINT}.`);
    }
    browser.on('disconnected', () => {
      if (this.browser === browser) this.browser = null;
    });
    this.browser = browser;
    return browser;
  }

  private async closeBrowser(): Promise<void> {
    const browser = this.browser;
    this.browser = null;
    if (browser) await browser.close().catch(() => undefined);
  }
}

/** Raised when a render takes longer than the renderer's `timeoutMs`. */
export class TimeoutError extends Error {}

function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(`Timed out after ${ms} ms ${what}`)), ms);
  });
  work.catch(() => undefined); // settled later than the timeout: nobody waits for it any more
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
