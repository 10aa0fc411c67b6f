/** Server-rendered pages: escaping and the shared layout. Everything user-given goes through `esc`. */

export function esc(value: unknown): string {
  // Only primitives are text: an object from a crafted body (say {"toString": 1}) is not.
  const text = typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint' ? String(value) : '';
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const STYLE = `
  :root { color-scheme: light; --ink:#1b1b1b; --muted:#555; --accent:#b3261e; --line:#d0d0d0; }
  * { box-sizing: border-box; }
  body { margin:0; font:16px/1.6 system-ui, "PingFang SC", "Microsoft YaHei", sans-serif; color:var(--ink); background:#f6f6f6; }
  header { background:var(--accent); color:#fff; padding:12px 16px; }
  header a { color:#fff; text-decoration:none; font-weight:600; }
  main { max-width:720px; margin:0 auto; padding:16px; background:#fff; min-height:60vh; }
  label { display:block; font-weight:600; margin-top:14px; }
  input[type=text], input[type=tel], input[type=email], select, textarea { width:100%; padding:8px; font:inherit; border:1px solid #888; border-radius:4px; }
  textarea { min-height:180px; }
  .hint { color:var(--muted); font-size:14px; }
  .error { color:var(--accent); font-size:14px; }
  .errors { border:2px solid var(--accent); padding:8px 12px; border-radius:4px; }
  button { margin-top:18px; padding:10px 24px; font:inherit; background:var(--accent); color:#fff; border:0; border-radius:4px; cursor:pointer; }
  button:focus, input:focus, textarea:focus, select:focus, a:focus { outline:3px solid #1a5fb4; outline-offset:2px; }
  .code { font-size:24px; font-family:ui-monospace, monospace; letter-spacing:2px; background:#f0f0f0; padding:6px 10px; display:inline-block; }
  dl dt { font-weight:600; } dl dd { margin:0 0 8px 0; }
`;

export function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)} - 运城市市长信箱</title>
<style>${STYLE}</style>
</head>
<body>
<header><a href="/mailbox">运城市人民政府 · 市长信箱</a></header>
<main id="main">
<h1>${esc(title)}</h1>
${body}
</main>
</body>
</html>`;
}
