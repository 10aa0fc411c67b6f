import { AdapterManifest } from '../contract';
import { SIGNATURE_ALGORITHMS } from './signature';

/** 人民网领导留言板: pulled board by board (fid), newest first, by the signed v1 API or the older list API. */
export const manifest: AdapterManifest = {
  name: 'people-leaders-board',
  kind: 'pull',
  description: '人民网领导留言板（按领导留言板 fid 定时拉取留言及其答复）',
  config: {
    baseUrl: { type: 'string', required: true, description: '留言板站点地址，如 https://liuyan.people.com.cn' },
    schedule: { type: 'string', default: '*/30 * * * *', description: '拉取周期（cron 表达式）' },
    minIntervalMs: { type: 'integer', default: 2000, min: 200, description: '两次请求之间的最短间隔（毫秒）' },
    fids: { type: 'string[]', required: true, description: '要拉取的领导留言板 fid（每位领导一个）' },
    appCode: { type: 'string', secret: false, default: 'PC42ce3bfa4980a9', description: '签名用的 appCode（对方前端更新后可能变化）' },
    token: { type: 'string', secret: true, default: '', description: '签名用的 token（匿名访问为空）' },
    api: { type: 'string', enum: ['v1', 'legacy'], default: 'v1', description: 'v1：签名接口（含详情）；legacy：旧版不签名列表接口' },
    signature: {
      type: 'object',
      default: { algorithm: 'md5-v1' },
      description: `签名算法，形如 { "algorithm": "md5-v1" }（可选：${SIGNATURE_ALGORITHMS.join(', ')}）`,
    },
    listPath: { type: 'string', default: '/v1/threads/list/df', description: 'v1 列表接口路径' },
    contentPath: { type: 'string', default: '/v1/threads/content', description: 'v1 详情接口路径' },
    legacyListPath: { type: 'string', default: '/threads/queryThreadsList', description: '旧版列表接口路径' },
    warmUpPath: { type: 'string', default: '/', description: '预热页面路径（取得 WAF 会话 Cookie __jsluid_s）' },
    rows: { type: 'integer', default: 10, min: 1, max: 100, description: 'v1 列表每页条数' },
    typeId: { type: 'integer', default: 5, description: '列表参数 typeId' },
    refreshBatch: { type: 'integer', default: 20, min: 0, description: '每次拉取时回查的未办结留言条数（最早的优先）' },
  },
};
