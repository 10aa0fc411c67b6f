/**
 * A local stand-in for a department portal's old 局长信箱 board, as such sites still are: GBK
 * pages (Content-Type text/html; charset=gbk), a paged list (index.html, index_2.html, ...) with
 * each message's title, date and status (已回复 / 未回复), and a detail page per message.
 * `failPage(n)` makes list page n answer 500 (to interrupt an import); `requests` counts hits.
 */
import iconv from 'iconv-lite';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';

export interface OldMessage {
  id: number;
  title: string;
  content: string;
  date: string;
  answered: boolean;
  name?: string;
}

export interface OldPortalBoard {
  url: string;
  messages: OldMessage[];
  perPage: number;
  requests: number;
  failPage: number | null;
  close(): Promise<void>;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

export async function startOldPortalBoard(messages: OldMessage[], perPage = 5): Promise<OldPortalBoard> {
  const board: OldPortalBoard = { url: '', messages, perPage, requests: 0, failPage: null, close: async () => undefined };
  const send = (res: import('node:http').ServerResponse, status: number, html: string) => {
    const body = iconv.encode(html, 'gbk');
    res.writeHead(status, { 'Content-Type': 'text/html; charset=gbk', 'Content-Length': body.length });
    res.end(body);
  };
  const server: Server = createServer((req, res) => {
    board.requests++;
    const path = (req.url ?? '/').split('?')[0];
    const list = /^\/hdjl\/index(?:_(\d+))?\.html$/.exec(path);
    if (list) {
      const page = list[1] ? Number(list[1]) : 1;
      if (board.failPage === page) return send(res, 500, '<h1>服务器错误</h1>');
      const slice = board.messages.slice((page - 1) * board.perPage, page * board.perPage);
      if (slice.length === 0) return send(res, 404, '<h1>页面不存在</h1>');
      const items = slice
        .map((m) => `<li><a href="detail_${m.id}.html">${esc(m.title)}</a><span class="date">${m.date}</span><span class="zt">${m.answered ? '已回复' : '未回复'}</span></li>`)
        .join('\n');
      return send(res, 200, `<html><head><meta charset="gbk"><title>局长信箱</title></head><body><ul class="xxlist">${items}</ul></body></html>`);
    }
    const detail = /^\/hdjl\/detail_(\d+)\.html$/.exec(path);
    const m = detail && board.messages.find((x) => x.id === Number(detail[1]));
    if (m) {
      return send(res, 200, `<html><head><meta charset="gbk"></head><body><h2 class="bt">${esc(m.title)}</h2>
        <p class="xm">留言人：${esc(m.name ?? '匿名')}</p><p class="sj">留言时间：${m.date} 09:30</p>
        <div class="nr">${esc(m.content)}</div></body></html>`);
    }
    send(res, 404, '<h1>页面不存在</h1>');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  board.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  board.close = () => new Promise((r) => server.close(() => r()));
  return board;
}
