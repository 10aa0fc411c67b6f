/**
 * The console's words for what the services refuse (they answer the API in English): a report
 * request's validation problems, a period the statistics cannot take, a workflow step refused.
 * Pure; unknown messages are passed through as they are.
 */
import { HttpException } from '@nestjs/common';

const FIELD_NAMES: Record<string, string> = {
  title: '标题', from: '开始日期', to: '结束日期', channel: '渠道', unit: '承办单位', domain: '领域', keyword: '关键词', category: '类别', month: '月份',
};

const FIXED: Record<string, string> = {
  'title is required, at most 100 characters': '请填写标题（不超过100字）。',
  'from must be a date YYYY-MM-DD': '开始日期应为有效日期（YYYY-MM-DD）。',
  'to must be a date YYYY-MM-DD': '结束日期应为有效日期（YYYY-MM-DD）。',
  'from must not be after to': '开始日期不能晚于结束日期。',
  'the period must not start in the future': '开始日期不能晚于今天。',
  'month must be YYYY-MM': '月份应写作 YYYY-MM（例如 2026-10）。',
  'the report is still being generated': '报告仍在生成中，请稍后再试。',
  'the PDF is not ready yet': 'PDF 仍在生成中，请稍后再试。',
};

/** One problem in Chinese. */
export function problemZh(problem: string): string {
  if (FIXED[problem]) return FIXED[problem];
  let m = /^the period may span at most (\d+) days$/.exec(problem);
  if (m) return `时间跨度不能超过 ${m[1]} 天。`;
  m = /^(\w+) must be (?:a valid id|text) of at most (\d+) characters$/.exec(problem);
  if (m) return `${FIELD_NAMES[m[1]] ?? m[1]}格式不正确（不超过 ${m[2]} 个字符）。`;
  m = /^category must be one of (.+)$/.exec(problem);
  if (m) return `类别须为：${m[1].split(' ').join('、')}。`;
  m = /^(\w+) is required$/.exec(problem);
  if (m) return `请填写${FIELD_NAMES[m[1]] ?? m[1]}。`;
  m = /^(\w+) must be at most (\d+) characters$/.exec(problem);
  if (m) return `${FIELD_NAMES[m[1]] ?? m[1]}不能超过 ${m[2]} 个字符。`;
  if (/^no report /.test(problem)) return '没有这份报告。';
  if (/^criticism \S+ was already decided$/.test(problem)) return '这份通报批评建议已经批示过了。';
  if (/^no criticism proposal /.test(problem)) return '没有这份通报批评建议。';
  return problem;
}

/** What an HttpException says, in Chinese where we know the words (problems listed one by one). */
export function refusalText(err: HttpException): string {
  const body = err.getResponse();
  if (typeof body === 'string') return problemZh(body);
  const b = body as { message?: unknown; problems?: unknown; error?: unknown };
  if (Array.isArray(b.problems) && b.problems.length) return b.problems.map((p) => problemZh(String(p))).join(' ');
  if (Array.isArray(b.message)) return b.message.map((p) => problemZh(String(p))).join(' ');
  // The workflow's refusals are bilingual ("中文。 English."): the console shows the Chinese.
  const message = String(b.message ?? err.message);
  const zh = /^(.+?。)\s+(?=[A-Za-z"])/.exec(message);
  return zh ? zh[1] : problemZh(message);
}
