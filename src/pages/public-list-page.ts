/**
 * 舆论监督: the public list of replied messages and one message with its reply. Pure rendering;
 * the texts go through the same redaction as every public answer (phone numbers, ID numbers,
 * emails, landlines) and the citizen's own name is masked wherever it appears in them.
 */
import { redactCitizenText } from '../crypto/masking';
import { esc, layout } from './html';
import { PublicCaseRow } from './public-list.repository';

export interface PublicCase {
  caseNo: string;
  channelLabel: string;
  category: string | null;
  title: string;
  content: string;
  reply: string;
  unit: string | null;
  receivedAt: Date;
  repliedAt: Date;
  satisfaction: string | null;
}

/** The public view of a case: personal data removed from every text; no contact field at all. */
export function publicCase(r: PublicCaseRow, citizenName: string | undefined, channelLabel: (id: string) => string): PublicCase {
  const clean = (s: string) => redactCitizenText(s, citizenName);
  return {
    caseNo: r.caseNo,
    channelLabel: channelLabel(r.channelId),
    category: r.category,
    title: clean(r.title),
    content: clean(r.content),
    reply: clean(r.reply?.content ?? ''),
    unit: r.reply?.unit ?? r.handlingUnit,
    receivedAt: new Date(r.receivedAt),
    repliedAt: new Date(r.repliedAt),
    satisfaction: r.satisfaction,
  };
}

const DAY = new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', year: 'numeric', month: 'long', day: 'numeric' });
const day = (d: Date) => DAY.format(d);

/** Cut after redaction, so a number is never cut in half before it is masked. */
function excerpt(text: string, max: number): { text: string; cut: boolean } {
  const chars = Array.from(text);
  return chars.length <= max ? { text, cut: false } : { text: `${chars.slice(0, max).join('')}……`, cut: true };
}

const STYLE = `<style>
  .pub-item { border-bottom:1px solid #d0d0d0; padding:12px 0; }
  .pub-item h2 { font-size:18px; margin:0 0 4px; }
  .pub-meta { color:#555; font-size:14px; margin:0 0 6px; }
  .pub-text { white-space:pre-wrap; margin:6px 0; }
  .pub-reply { background:#f4f4f4; border-left:4px solid #b3261e; padding:8px 12px; margin:8px 0; }
  .pub-reply .pub-text { margin:4px 0; }
  nav.pager { margin-top:16px; display:flex; gap:16px; }
</style>`;

function meta(c: PublicCase): string {
  return `<p class="pub-meta">编号 ${esc(c.caseNo)} · ${esc(c.channelLabel)}${c.category ? ` · ${esc(c.category)}` : ''} · 收到于 ${esc(day(c.receivedAt))}</p>`;
}

function replyBlock(c: PublicCase, text: string, more: string): string {
  return `<div class="pub-reply"><strong>答复</strong>${c.unit ? `（${esc(c.unit)}）` : ''} <span class="hint">${esc(day(c.repliedAt))}</span>
<p class="pub-text">${esc(text)}${more}</p>
<p class="hint">网民评价：${esc(c.satisfaction ?? '未评价')}</p></div>`;
}

function listItem(c: PublicCase): string {
  const href = `/public/${encodeURIComponent(c.caseNo)}`;
  const content = excerpt(c.content, 200);
  const reply = excerpt(c.reply, 300);
  const more = content.cut || reply.cut ? ` <a href="${href}">阅读全文</a>` : '';
  return `<article class="pub-item"><h2><a href="${href}">${esc(c.title)}</a></h2>
${meta(c)}
<p class="pub-text">${esc(content.text)}</p>
${replyBlock(c, reply.text, more)}</article>`;
}

export function renderPublicList(items: PublicCase[], page: number, pages: number, total: number): string {
  const pager =
    pages > 1
      ? `<nav class="pager" aria-label="翻页">${page > 1 ? `<a href="/public?page=${page - 1}" rel="prev">上一页</a>` : ''}<span>第 ${page} / ${pages} 页</span>${page < pages ? `<a href="/public?page=${page + 1}" rel="next">下一页</a>` : ''}</nav>`
      : '';
  const body = items.length
    ? items.map(listItem).join('\n')
    : `<p>${page > 1 ? '这一页没有留言了。<a href="/public">回到第一页</a>' : '暂时没有公开的留言。'}</p>`;
  return layout(
    '舆论监督 · 网民留言及答复',
    `${STYLE}
<p class="hint">这里公开经留言人同意公开的网民留言及其答复（共 ${esc(total)} 件，按答复时间从新到旧）。留言人的姓名、电话、身份证号码、电子邮箱等个人信息已隐去。</p>
${body}
${pager}
<p class="hint"><a href="/mailbox">我要写信</a> · <a href="/query">查询我的留言</a></p>`,
  );
}

export function renderPublicCase(c: PublicCase): string {
  return layout(
    c.title,
    `${STYLE}
${meta(c)}
<h2>留言内容</h2>
<p class="pub-text">${esc(c.content)}</p>
${replyBlock(c, c.reply, '')}
<p><a href="/public">返回留言列表</a></p>`,
  );
}

export function renderPublicNotFound(): string {
  return layout('未找到', `<p>没有找到这条公开的留言。只有留言人同意公开、并且已经答复的留言才会在这里公开。</p><p><a href="/public">返回留言列表</a></p>`);
}

export function renderPublicError(status: number, message?: string): string {
  if (status === 404) return renderPublicNotFound();
  if (status === 429) return layout('访问过于频繁', `<p>请求过于频繁，请稍后再试。</p>`);
  return layout('出错了', `<p>${esc(message ?? '系统暂时无法显示这个页面，请稍后再试。')}</p><p><a href="/public">返回留言列表</a></p>`);
}
