/**
 * A redirected department portal (12 of them). Citizens arrive through /go/{id} and the mailbox
 * form; a portal that keeps its own form forwards server to server, signed with its own secret,
 * in its own field names, which `fieldMap` turns into the hub's.
 */
import { ChannelAdapter, MapContext, MapResult } from '../contract';
import { mapWebForm } from '../web-form/mapper';

/** The portal's field names to the hub's, e.g. { 姓名: name, 联系电话: phone, 标题: title, 内容: content }. */
export function applyFieldMap(payload: unknown, fieldMap: Record<string, unknown> | undefined): unknown {
  if (!fieldMap || typeof payload !== 'object' || payload === null || Array.isArray(payload)) return payload;
  const out: Record<string, unknown> = Object.create(null);
  for (const [key, value] of Object.entries(payload as Record<string, unknown>)) {
    const target = Object.hasOwn(fieldMap, key) ? fieldMap[key] : undefined;
    const name = typeof target === 'string' ? target : key;
    if (name === '__proto__') continue;
    if (!Object.hasOwn(out, name) || typeof target === 'string') out[name] = value;
  }
  return { ...out };
}

export function mapPortal(payload: unknown, ctx: MapContext): MapResult {
  return mapWebForm(applyFieldMap(payload, ctx.config.fieldMap as Record<string, unknown> | undefined), ctx);
}

export const portalAdapter: ChannelAdapter = {
  manifest: {
    name: 'portal',
    kind: 'push',
    description: '部门门户网站留言版块：跳转至市长信箱留言，或由门户网站服务器签名转发',
    config: {
      phoneRequired: { type: 'boolean', description: '是否要求填写手机号码', default: true },
      forwardSecret: {
        type: 'string',
        description: '门户网站服务器转发留言时的签名密钥（HMAC-SHA256，至少32个字符）；不设则只接受表单留言',
        secret: true,
        minLength: 32,
      },
      replayWindowSeconds: { type: 'integer', description: '签名时间戳的有效窗口（秒）', default: 300, min: 30, max: 3600 },
      importIntervalMs: { type: 'integer', description: '导入旧版块时两次请求之间的最短间隔（毫秒）', default: 1000, min: 100 },
      import: {
        type: 'object',
        description: '切换时导入旧留言版块：{listUrl（含 {page}）, firstPageUrl, maxPages, charset, selectors: {item, link, title, date, status}, unansweredText, detail: {content, title, name, phone, date}}',
      },
      fieldMap: { type: 'object', description: '门户网站字段名到平台字段名的映射，如 {"姓名":"name","联系电话":"phone","标题":"title","内容":"content"}', default: {} },
    },
  },
  map: mapPortal,
};
