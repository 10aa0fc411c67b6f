/**
 * The console's pages: one layout (navigation by role, the signed-in user, sign-out), shared
 * styles that work on a laptop and a phone, and small helpers for forms and tables. Server-rendered,
 * usable without JavaScript; everything user-given goes through `esc`.
 */
import { Principal } from '../auth/decorators';
import { esc } from '../pages/html';

export { esc };

export interface Page {
  user: Principal;
  csrf: string;
  /** The nav item to mark as current. */
  current?: string;
}

interface NavItem {
  href: string;
  label: string;
  roles: Principal['role'][];
}

/** What each role finds in the console (see README, "The console"). */
export const NAV: NavItem[] = [
  { href: '/console', label: '首页', roles: ['admin', 'staff', 'unit', 'leader'] },
  { href: '/console/desk', label: '受理台', roles: ['admin', 'staff'] },
  { href: '/console/supervision', label: '督办', roles: ['admin', 'staff', 'leader'] },
  { href: '/console/unit', label: '本单位案件', roles: ['unit'] },
  { href: '/console/reports', label: '报告与考核', roles: ['admin', 'staff', 'leader'] },
  { href: '/console/criticisms', label: '通报批评', roles: ['leader', 'staff', 'admin'] },
  { href: '/console/channels', label: '渠道接入', roles: ['admin'] },
  { href: '/admin/queues', label: '队列监控', roles: ['admin', 'staff'] },
  { href: '/docs', label: 'API 文档', roles: ['admin'] },
];

export const ROLE_NAMES: Record<Principal['role'], string> = { admin: '系统管理员', staff: '市长信箱工作人员', unit: '承办单位', leader: '市领导' };

const STYLE = `
  :root { color-scheme: light; --ink:#1b1b1b; --muted:#555; --accent:#9f1d1d; --line:#cfcfcf; --ok:#1e6b34; --warn:#8a5a00; --bg:#f4f4f4; --focus:#1a5fb4; }
  * { box-sizing: border-box; }
  body { margin:0; font:15px/1.6 system-ui, "PingFang SC", "Microsoft YaHei", "WenQuanYi Zen Hei", sans-serif; color:var(--ink); background:var(--bg); }
  a { color:#0b4f9c; } a:hover { text-decoration:none; }
  .skip { position:absolute; left:-9999px; } .skip:focus { left:8px; top:8px; background:#fff; padding:6px; z-index:9; }
  header.top { background:var(--accent); color:#fff; display:flex; flex-wrap:wrap; align-items:center; gap:8px 16px; padding:8px 16px; }
  header.top .brand { font-weight:700; color:#fff; text-decoration:none; }
  header.top nav { display:flex; flex-wrap:wrap; gap:4px; flex:1; }
  header.top nav a { color:#fff; text-decoration:none; padding:4px 10px; border-radius:4px; }
  header.top nav a[aria-current=page] { background:rgba(255,255,255,.22); font-weight:600; }
  header.top .who { font-size:13px; display:flex; gap:8px; align-items:center; }
  header.top .who button { background:transparent; color:#fff; border:1px solid #fff; padding:2px 10px; margin:0; font-size:13px; }
  main { max-width:1180px; margin:0 auto; padding:16px; }
  section.card, div.card { background:#fff; border:1px solid var(--line); border-radius:6px; padding:12px 16px; margin:0 0 16px; }
  h1 { font-size:22px; margin:8px 0 12px; } h2 { font-size:18px; margin:4px 0 10px; } h3 { font-size:16px; }
  table { border-collapse:collapse; width:100%; background:#fff; }
  th, td { border-bottom:1px solid var(--line); padding:6px 8px; text-align:left; vertical-align:top; }
  th { background:#fafafa; font-weight:600; white-space:nowrap; }
  .scroll { overflow-x:auto; }
  .muted, .hint { color:var(--muted); font-size:13px; }
  .badge { display:inline-block; padding:0 8px; border-radius:10px; font-size:12px; background:#e8e8e8; }
  .badge.ok { background:#dff3e4; color:var(--ok); } .badge.warn { background:#fff1d6; color:var(--warn); } .badge.bad { background:#fbe2e2; color:var(--accent); }
  label { display:block; font-weight:600; margin-top:10px; }
  input[type=text], input[type=password], input[type=number], input[type=date], input[type=url], select, textarea { width:100%; max-width:640px; padding:7px; font:inherit; border:1px solid #888; border-radius:4px; background:#fff; }
  textarea { min-height:110px; }
  button, .button { display:inline-block; margin-top:10px; padding:7px 18px; font:inherit; background:var(--accent); color:#fff; border:0; border-radius:4px; cursor:pointer; text-decoration:none; }
  button.secondary, .button.secondary { background:#fff; color:var(--accent); border:1px solid var(--accent); }
  button:focus, input:focus, textarea:focus, select:focus, a:focus { outline:3px solid var(--focus); outline-offset:2px; }
  .grid { display:grid; grid-template-columns:repeat(auto-fit, minmax(260px, 1fr)); gap:16px; }
  .flash { border-left:4px solid var(--ok); background:#fff; padding:8px 12px; margin-bottom:12px; }
  .flash.error { border-color:var(--accent); }
  .diff del { background:#fbe2e2; text-decoration:line-through; } .diff ins { background:#dff3e4; text-decoration:none; }
  dl.kv { display:grid; grid-template-columns:max-content 1fr; gap:4px 12px; } dl.kv dt { font-weight:600; } dl.kv dd { margin:0; }
  ol.timeline { padding-left:20px; } ol.timeline li { margin-bottom:6px; }
  @media (max-width: 640px) { main { padding:8px; } th, td { padding:4px; font-size:14px; } header.top nav { order:3; width:100%; } }
`;

function documentHead(title: string): string {
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)} - 市长信箱集中受理平台</title>
<style>${STYLE}</style>
</head>
<body>`;
}

/** The page around a console view. `flash` is a one-line message after an action. */
export function consoleLayout(title: string, body: string, page: Page, flash?: { text: string; error?: boolean }): string {
  const nav = NAV.filter((n) => n.roles.includes(page.user.role))
    .map((n) => `<a href="${n.href}"${n.href === (page.current ?? '') ? ' aria-current="page"' : ''}>${esc(n.label)}</a>`)
    .join('');
  const who = `${esc(page.user.username)}（${esc(ROLE_NAMES[page.user.role])}${page.user.unit ? ` · ${esc(page.user.unit)}` : ''}）`;
  return `${documentHead(title)}
<a class="skip" href="#main">跳到正文</a>
<header class="top">
<a class="brand" href="/console">市长信箱集中受理平台</a>
<nav aria-label="主导航">${nav}</nav>
<div class="who"><span>${who}</span>
<form method="post" action="/console/logout">${csrfField(page.csrf)}<button type="submit">退出</button></form></div>
</header>
<main id="main">
<h1>${esc(title)}</h1>
${flash ? `<p class="flash${flash.error ? ' error' : ''}" role="status">${esc(flash.text)}</p>` : ''}
${body}
</main>
</body>
</html>`;
}

/** A page for someone not signed in (login, errors). */
export function barePage(title: string, body: string): string {
  return `${documentHead(title)}
<header class="top"><a class="brand" href="/console">市长信箱集中受理平台</a></header>
<main id="main">
<h1>${esc(title)}</h1>
${body}
</main>
</body>
</html>`;
}

export function csrfField(csrf: string): string {
  return `<input type="hidden" name="_csrf" value="${esc(csrf)}">`;
}

/** A table with a caption for screen readers; cells are HTML (escape them when building). */
export function table(caption: string, headers: string[], rows: string[][], empty = '暂无'): string {
  if (!rows.length) return `<p class="muted">${esc(caption)}：${esc(empty)}</p>`;
  return `<div class="scroll"><table><caption class="muted" style="text-align:left">${esc(caption)}</caption>
<thead><tr>${headers.map((h) => `<th scope="col">${esc(h)}</th>`).join('')}</tr></thead>
<tbody>${rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('\n')}</tbody></table></div>`;
}

const TIME = new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

/** A time as Beijing time, for people. */
export function when(at: Date | string | null | undefined): string {
  return at ? TIME.format(new Date(at)) : '';
}
