import { AdapterManifest } from '../contract';
import { DEFAULT_CATEGORIES, DEFAULT_FIELDS, DEFAULT_STATUSES, DEFAULTS } from './config';

/** The “今日运城” app: pulled from the station's export API (docs/app-export-contract.md). */
export const manifest: AdapterManifest = {
  name: 'app-jinriyuncheng',
  kind: 'pull',
  description: '“今日运城”客户端（运城市广播电视台）问政留言：经电视台导出接口拉取；字段名与状态码按配置适配',
  config: {
    baseUrl: { type: 'string', required: true, description: '导出接口地址（不含路径），如 https://export.example.cn' },
    schedule: { type: 'string', default: DEFAULTS.schedule, description: '拉取计划（cron 表达式）' },
    minIntervalMs: { type: 'integer', default: DEFAULTS.minIntervalMs, min: 100, description: '两次请求的最小间隔（毫秒）' },
    apiKey: { type: 'string', secret: true, description: '电视台发给市长信箱的导出接口密钥' },
    apiKeyHeader: {
      type: 'string',
      default: DEFAULTS.apiKeyHeader,
      description: '放密钥的请求头；为 Authorization 时发送 “Bearer <密钥>”，否则原样发送密钥',
    },
    listPath: { type: 'string', default: DEFAULTS.listPath, description: '留言变更列表的路径' },
    detailPath: { type: 'string', default: DEFAULTS.detailPath, description: '单条留言的路径，{id} 处填留言编号' },
    cursorParam: { type: 'string', default: DEFAULTS.cursorParam, description: '列表游标的查询参数名' },
    limitParam: { type: 'string', default: DEFAULTS.limitParam, description: '每页条数的查询参数名（空：不发送）' },
    pageSize: { type: 'integer', default: DEFAULTS.pageSize, min: 1, max: 500, description: '每页条数' },
    detailForEachItem: {
      type: 'boolean',
      default: DEFAULTS.detailForEachItem,
      description: '列表项不完整（如正文截断、无回复）时，逐条再取详情',
    },
    fields: {
      type: 'object',
      default: DEFAULT_FIELDS,
      description:
        '字段对照：中枢字段 → 上游字段路径（可用点号，如 data.user.mobile；null 为不取）。只需写与默认不同的项。' +
        ' 默认不把昵称（nickname）当作姓名。',
    },
    statuses: {
      type: 'object',
      default: DEFAULT_STATUSES,
      description: '状态码对照：上游状态码 → {label 状态名, final 是否已办完}；写了即整表替换默认值。未列出的状态码按错误处理',
    },
    skipModeration: {
      type: 'string[]',
      default: DEFAULTS.skipModeration,
      description: '审核状态为这些值的留言暂不接收（待审核、审核未通过）；通过审核后会在变更列表中再次出现',
    },
    categories: {
      type: 'object',
      default: DEFAULT_CATEGORIES,
      description: '类别对照：上游类别文字 → 咨询 反映 投诉 建议 求助；写了即整表替换默认值。对不上的类别留空，由受理人员分类',
    },
    publicByDefault: {
      type: 'boolean',
      default: DEFAULTS.publicByDefault,
      description: '上游未给出是否公开时，留言是否按公开处理',
    },
    attachmentsInContent: {
      type: 'boolean',
      default: DEFAULTS.attachmentsInContent,
      description: '把附件（名称与链接）附在正文末尾“附件：”之下',
    },
  },
};
