/**
 * The switch-over import of a portal's old board: config, list and detail pages, dates in +08:00,
 * CSV and export files. All pure; HTML snippets are inline.
 */
import {
  chinaDateTime,
  ImportConfig,
  isUnanswered,
  ListItem,
  pageUrl,
  parseCsv,
  parseDetailPage,
  parseExportFile,
  parseImportConfig,
  parseListPage,
} from './import';

const VALID_RAW = {
  listUrl: 'https://www.yuncheng.gov.cn/hdjl/index_{page}.html',
  selectors: { item: 'ul.list li', link: 'a', date: '.date', status: '.status' },
  detail: { content: '.content', title: 'h1', name: '.name', phone: '.phone', date: '.time' },
};

function config(overrides: Record<string, unknown> = {}): ImportConfig {
  const c = parseImportConfig({ ...VALID_RAW, ...overrides });
  if (typeof c === 'string') throw new Error(c);
  return c;
}

describe('parseImportConfig', () => {
  test('a valid configuration, with defaults', () => {
    expect(parseImportConfig(VALID_RAW)).toEqual({
      listUrl: 'https://www.yuncheng.gov.cn/hdjl/index_{page}.html',
      firstPageUrl: undefined,
      maxPages: 50,
      charset: undefined,
      selectors: { item: 'ul.list li', link: 'a', title: undefined, date: '.date', status: '.status' },
      unansweredText: ['未回复', '待回复', '未办理', '办理中'],
      detail: { content: '.content', title: 'h1', name: '.name', phone: '.phone', date: '.time' },
    });
  });

  test('given optional parts are kept; non-string list entries dropped', () => {
    const c = config({
      firstPageUrl: 'https://www.yuncheng.gov.cn/hdjl/index.html',
      maxPages: 7,
      charset: 'gbk',
      unansweredText: ['待处理', 3, null, '处理中'],
      selectors: { item: 'tr', link: 'a.t', title: '.t', date: 7 },
    });
    expect(c.firstPageUrl).toBe('https://www.yuncheng.gov.cn/hdjl/index.html');
    expect(c.maxPages).toBe(7);
    expect(c.charset).toBe('gbk');
    expect(c.unansweredText).toEqual(['待处理', '处理中']);
    expect(c.selectors).toEqual({ item: 'tr', link: 'a.t', title: '.t', date: undefined, status: undefined });
  });

  test('an empty unansweredText stays empty (import all)', () => {
    expect(config({ unansweredText: [] }).unansweredText).toEqual([]);
  });

  test.each<[string, unknown, number]>([
    ['capped at 1000', 5000, 1000],
    ['zero → default 50', 0, 50],
    ['negative → default 50', -3, 50],
    ['a string → default 50', '10', 50],
  ])('maxPages %s', (_name, maxPages, expected) => {
    expect(config({ maxPages }).maxPages).toBe(expected);
  });

  test.each<[string, unknown, RegExp]>([
    ['undefined', undefined, /not configured/],
    ['null', null, /not configured/],
    ['a string', 'https://x.gov.cn/{page}', /not configured/],
    ['listUrl missing', { ...VALID_RAW, listUrl: undefined }, /listUrl/],
    ['listUrl not http(s)', { ...VALID_RAW, listUrl: 'ftp://x.gov.cn/index_{page}.html' }, /listUrl/],
    ['listUrl relative', { ...VALID_RAW, listUrl: '/hdjl/index_{page}.html' }, /listUrl/],
    ['listUrl without {page}', { ...VALID_RAW, listUrl: 'https://x.gov.cn/index.html' }, /listUrl/],
    ['listUrl a number', { ...VALID_RAW, listUrl: 42 }, /listUrl/],
    ['selectors missing', { ...VALID_RAW, selectors: undefined }, /selectors/],
    ['selectors.item missing', { ...VALID_RAW, selectors: { link: 'a' } }, /selectors/],
    ['selectors.link missing', { ...VALID_RAW, selectors: { item: 'li' } }, /selectors/],
    ['selectors.link not a string', { ...VALID_RAW, selectors: { item: 'li', link: 1 } }, /selectors/],
    ['detail missing', { ...VALID_RAW, detail: undefined }, /detail/],
    ['detail.content missing', { ...VALID_RAW, detail: { title: 'h1' } }, /detail/],
  ])('%s → a message', (_name, raw, message) => {
    const result = parseImportConfig(raw);
    expect(typeof result).toBe('string');
    expect(result).toMatch(message);
  });
});

describe('pageUrl', () => {
  test('fills {page}', () => {
    const c = config();
    expect(pageUrl(c, 1)).toBe('https://www.yuncheng.gov.cn/hdjl/index_1.html');
    expect(pageUrl(c, 12)).toBe('https://www.yuncheng.gov.cn/hdjl/index_12.html');
  });

  test('the first page override applies to page 1 only', () => {
    const c = config({ firstPageUrl: 'https://www.yuncheng.gov.cn/hdjl/index.html' });
    expect(pageUrl(c, 1)).toBe('https://www.yuncheng.gov.cn/hdjl/index.html');
    expect(pageUrl(c, 2)).toBe('https://www.yuncheng.gov.cn/hdjl/index_2.html');
  });
});

const LIST_HTML = `
<html><body>
<ul class="nav"><li><a href="/other.html">导航</a></li></ul>
<ul class="list">
  <li><a href="/hdjl/2020/0428/123.html"> 路灯   不亮 </a><span class="date">2020-04-28</span><span class="status">未回复</span></li>
  <li><a href="content_456.html">垃圾
      清运问题</a><span class="date"> 2020-04-11 </span><span class="status">已回复</span></li>
  <li><a href="../zxft/789.html">道路积水</a><span class="status"></span></li>
  <li><span>没有链接</span><span class="date">2020-04-01</span></li>
  <li><a href="https://old.yuncheng.gov.cn/x.html?id=5">外站留言</a><a href="/second.html">第二个链接</a></li>
</ul>
</body></html>`;

describe('parseListPage', () => {
  const page = 'https://www.yuncheng.gov.cn/hdjl/index_2.html';

  test('items with links resolved against the page URL, title, date and status', () => {
    expect(parseListPage(LIST_HTML, config(), page)).toEqual([
      { url: 'https://www.yuncheng.gov.cn/hdjl/2020/0428/123.html', title: '路灯 不亮', date: '2020-04-28', status: '未回复' },
      { url: 'https://www.yuncheng.gov.cn/hdjl/content_456.html', title: '垃圾 清运问题', date: '2020-04-11', status: '已回复' },
      { url: 'https://www.yuncheng.gov.cn/zxft/789.html', title: '道路积水', date: undefined, status: undefined },
      { url: 'https://old.yuncheng.gov.cn/x.html?id=5', title: '外站留言', date: undefined, status: undefined },
    ]);
  });

  test('a title selector is used instead of the link text', () => {
    const html = '<div class="row"><a href="a.html">查看</a><b class="t"> 标题 一 </b></div>';
    const c = config({ selectors: { item: '.row', link: 'a', title: '.t' } });
    expect(parseListPage(html, c, 'http://x.gov.cn/list/p1.html')).toEqual([
      { url: 'http://x.gov.cn/list/a.html', title: '标题 一', date: undefined, status: undefined },
    ]);
  });

  test('no matching items → empty list', () => {
    expect(parseListPage('<p>暂无留言</p>', config(), page)).toEqual([]);
  });
});

describe('isUnanswered', () => {
  const item = (status?: string): ListItem => ({ url: 'https://x.gov.cn/1.html', title: 't', status });

  test.each<[string | undefined, boolean]>([
    ['未回复', true],
    ['待回复', true],
    ['【办理中】', true],
    ['未办理', true],
    ['已回复', false],
    ['已办结', false],
    [undefined, false],
  ])('default words: %j → %j', (status, expected) => {
    expect(isUnanswered(item(status), config())).toBe(expected);
  });

  test('configured words replace the defaults', () => {
    const c = config({ unansweredText: ['待处理'] });
    expect(isUnanswered(item('待处理'), c)).toBe(true);
    expect(isUnanswered(item('未回复'), c)).toBe(false);
  });

  test('an empty list imports everything, even without a status', () => {
    const c = config({ unansweredText: [] });
    expect(isUnanswered(item(undefined), c)).toBe(true);
    expect(isUnanswered(item('已回复'), c)).toBe(true);
  });
});

const DETAIL_HTML = `
<html><body>
<h1>  关于解放路
  路灯的问题 </h1>
<div class="name"> 张三 </div>
<div class="phone">138 0013 8000</div>
<div class="time">留言时间：2020-04-11 09:30</div>
<div class="content">
  第一段，路灯不亮。\r\n第二段   有   空格\r第三段\t\t结束
</div>
<div class="content">第二个正文块</div>
</body></html>`;

describe('parseDetailPage', () => {
  const item: ListItem = { url: 'https://www.yuncheng.gov.cn/hdjl/2020/0428/123.html', title: '列表标题', date: '2020-04-28' };

  test('content with line breaks, title, name, phone, date and externalId from the path', () => {
    expect(parseDetailPage(DETAIL_HTML, config(), item)).toEqual({
      externalId: 'import:/hdjl/2020/0428/123.html',
      title: '关于解放路 路灯的问题',
      content: '第一段，路灯不亮。\n第二段 有 空格\n第三段 结束',
      name: '张三',
      phone: '138 0013 8000',
      submittedAt: '2020-04-11T01:30:00.000Z',
    });
  });

  test('without detail selectors: the list title and date are used, name and phone absent', () => {
    const c = config({ detail: { content: '.content' } });
    expect(parseDetailPage(DETAIL_HTML, c, item)).toEqual({
      externalId: 'import:/hdjl/2020/0428/123.html',
      title: '列表标题',
      content: '第一段，路灯不亮。\n第二段 有 空格\n第三段 结束',
      name: undefined,
      phone: undefined,
      submittedAt: '2020-04-27T16:00:00.000Z',
    });
  });

  test('a detail selector that finds nothing falls back to the list title and date', () => {
    const html = '<div class="content">正文</div>';
    const record = parseDetailPage(html, config(), item);
    expect(record?.title).toBe('列表标题');
    expect(record?.submittedAt).toBe('2020-04-27T16:00:00.000Z');
    expect(record?.name).toBeUndefined();
  });

  test.each<[string, string]>([
    ['no content element', '<h1>标题</h1>'],
    ['empty content element', '<h1>标题</h1><div class="content"></div>'],
    ['whitespace-only content', '<div class="content"> \r\n\t </div>'],
  ])('%s → undefined', (_name, html) => {
    expect(parseDetailPage(html, config(), item)).toBeUndefined();
  });

  test('no date anywhere → submittedAt undefined', () => {
    const record = parseDetailPage('<div class="content">正文</div>', config(), { url: 'https://x.gov.cn/a/b.html', title: 't' });
    expect(record).toEqual({ externalId: 'import:/a/b.html', title: 't', content: '正文', name: undefined, phone: undefined, submittedAt: undefined });
  });
});

describe('chinaDateTime', () => {
  test.each<[string | undefined, string | undefined]>([
    ['2020-04-28', '2020-04-27T16:00:00.000Z'],
    ['2020-04-28 10:31', '2020-04-28T02:31:00.000Z'],
    ['2020/4/8 10:31:05', '2020-04-08T02:31:05.000Z'],
    ['2020年04月28日', '2020-04-27T16:00:00.000Z'],
    ['2020年4月8日 9:05', '2020-04-08T01:05:00.000Z'],
    ['2020.04.28', '2020-04-27T16:00:00.000Z'],
    ['留言时间：2020-04-11 09:30', '2020-04-11T01:30:00.000Z'],
    ['2020-04-28 07:59:59', '2020-04-27T23:59:59.000Z'],
    ['2020-01-01 00:00', '2019-12-31T16:00:00.000Z'],
    ['2020-02-29', '2020-02-28T16:00:00.000Z'],
    ['2020-12-31 23:59:59', '2020-12-31T15:59:59.000Z'],
    ['2021-02-29', undefined],
    ['2020-13-01', undefined],
    ['2020-00-10', undefined],
    ['2020-04-31', undefined],
    ['2020-04-00', undefined],
    ['2020-04-28 24:00', undefined],
    ['2020-04-28 10:60', undefined],
    ['2020-04-28 10:31:60', undefined],
    ['20200428', undefined],
    ['昨天', undefined],
    ['', undefined],
    [undefined, undefined],
  ])('%j → %j', (input, expected) => {
    expect(chinaDateTime(input)).toBe(expected);
  });
});

describe('parseCsv', () => {
  test.each<[string, string, string[][]]>([
    ['plain', 'a,b\n1,2\n', [['a', 'b'], ['1', '2']]],
    ['trailing line without newline', 'a,b\n1,2', [['a', 'b'], ['1', '2']]],
    ['CRLF', 'a,b\r\n1,2\r\n', [['a', 'b'], ['1', '2']]],
    ['lone CR', 'a,b\r1,2', [['a', 'b'], ['1', '2']]],
    ['BOM ignored', '\uFEFFid,内容\n1,路灯', [['id', '内容'], ['1', '路灯']]],
    ['quoted comma', '"a,b",c', [['a,b', 'c']]],
    ['doubled quotes', '"他说""好""",x', [['他说"好"', 'x']]],
    ['newline inside quotes', '"第一行\n第二行",x\ny,z', [['第一行\n第二行', 'x'], ['y', 'z']]],
    ['CRLF inside quotes kept', '"a\r\nb",c\r\n', [['a\r\nb', 'c']]],
    ['empty fields', ',,\n', [['', '', '']]],
    ['trailing empty field', 'a,\n', [['a', '']]],
    ['quoted empty field', '"",x', [['', 'x']]],
    ['spaces kept', ' a , b ', [[' a ', ' b ']]],
    ['empty input', '', []],
  ])('%s', (_name, input, expected) => {
    expect(parseCsv(input)).toEqual(expected);
  });
});

describe('parseExportFile', () => {
  const CN_MAP = { 编号: 'id', 标题: 'title', 内容: 'content', 姓名: 'name', 电话: 'phone', 时间: 'submittedAt' };

  test('JSON in the hub field names', () => {
    const data = JSON.stringify([
      { id: 101, title: ' 路灯 ', content: ' 不亮 ', name: '张三', phone: '13800138000', submittedAt: '2020-04-28 10:31' },
      { externalId: 'b-2', content: '积水', name: null, phone: '' },
    ]);
    expect(parseExportFile('json', data)).toEqual({
      records: [
        { externalId: 'import:101', title: '路灯', content: '不亮', name: '张三', phone: '13800138000', submittedAt: '2020-04-28T02:31:00.000Z' },
        { externalId: 'import:b-2', title: undefined, content: '积水', name: undefined, phone: undefined, submittedAt: undefined },
      ],
      errors: [],
    });
  });

  test('JSON with Chinese names through fieldMap; an unparseable date is kept as given', () => {
    const data = JSON.stringify([{ 编号: 'A1', 标题: '咨询', 内容: '公积金', 姓名: '李四', 电话: '13912345678', 时间: '去年' }]);
    expect(parseExportFile('json', data, CN_MAP).records).toEqual([
      { externalId: 'import:A1', title: '咨询', content: '公积金', name: '李四', phone: '13912345678', submittedAt: '去年' },
    ]);
  });

  test('CSV with Chinese headers through fieldMap', () => {
    const data = '\uFEFF编号,标题,内容,姓名,电话,时间\r\n7,路灯,"不亮,已一周\n请修",张三,13800138000,2020年04月28日\r\n8,,"说""快""",,,\r\n';
    expect(parseExportFile('csv', data, CN_MAP)).toEqual({
      records: [
        { externalId: 'import:7', title: '路灯', content: '不亮,已一周\n请修', name: '张三', phone: '13800138000', submittedAt: '2020-04-27T16:00:00.000Z' },
        { externalId: 'import:8', title: undefined, content: '说"快"', name: undefined, phone: undefined, submittedAt: undefined },
      ],
      errors: [],
    });
  });

  test('CSV header names are trimmed; short rows read as empty', () => {
    const { records, errors } = parseExportFile('csv', ' id , content ,title\n1,正文\n');
    expect(records).toEqual([{ externalId: 'import:1', title: undefined, content: '正文', name: undefined, phone: undefined, submittedAt: undefined }]);
    expect(errors).toEqual([]);
  });

  test('JSON rows missing id or content are reported with their row numbers', () => {
    const data = JSON.stringify([{ id: 1, content: '有' }, { content: '缺编号' }, { id: 3 }, { id: 4, content: '  ' }, { id: 5, content: '有' }]);
    const { records, errors } = parseExportFile('json', data);
    expect(records.map((r) => r.externalId)).toEqual(['import:1', 'import:5']);
    expect(errors).toEqual(['row 2: id and content are required', 'row 3: id and content are required', 'row 4: id and content are required']);
  });

  test('CSV rows missing id or content are reported with their row numbers', () => {
    const { records, errors } = parseExportFile('csv', 'id,content\n1,有\n,缺编号\n3,\n4,有\n');
    expect(records.map((r) => r.externalId)).toEqual(['import:1', 'import:4']);
    expect(errors).toEqual(['row 2: id and content are required', 'row 3: id and content are required']);
  });

  test('with a fieldMap, the hub name itself is not read for a mapped field', () => {
    const { records, errors } = parseExportFile('json', JSON.stringify([{ id: 1, 内容: '正文' }]), { 编号: 'id', 内容: 'content' });
    expect(records).toEqual([]);
    expect(errors).toEqual(['row 1: id and content are required']);
  });

  test.each<[string, string, RegExp]>([
    ['an object', '{"id": 1, "content": "x"}', /array/],
    ['a string', '"x"', /array/],
    ['null', 'null', /array/],
  ])('non-array JSON (%s) → one error, no records', (_name, data, message) => {
    const result = parseExportFile('json', data);
    expect(result.records).toEqual([]);
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toMatch(message);
  });

  test('invalid JSON → one error saying so', () => {
    const result = parseExportFile('json', '[{"id": 1,');
    expect(result.records).toEqual([]);
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toMatch(/^the file is not JSON: /);
  });

  test('an empty CSV → one error', () => {
    expect(parseExportFile('csv', '')).toEqual({ records: [], errors: ['the CSV file is empty'] });
  });

  test('a CSV with only a header → no records, no errors', () => {
    expect(parseExportFile('csv', 'id,content\n')).toEqual({ records: [], errors: [] });
  });
});

describe('fixes found by these tests', () => {
  const cfg = parseImportConfig({
    listUrl: 'https://x.gov.cn/list_{page}.html',
    selectors: { item: 'li', link: 'a' },
    detail: { content: 'div.nr' },
  }) as ImportConfig;

  test('detail links that differ only by query string are different messages', () => {
    const a = parseDetailPage('<div class="nr">甲</div>', cfg, { url: 'https://x.gov.cn/show.asp?id=1', title: 't' });
    const b = parseDetailPage('<div class="nr">乙</div>', cfg, { url: 'https://x.gov.cn/show.asp?id=2', title: 't' });
    expect(a?.externalId).toBe('import:/show.asp?id=1');
    expect(b?.externalId).toBe('import:/show.asp?id=2');
  });

  test('<br> and paragraphs keep their line breaks', () => {
    const r = parseDetailPage('<div class="nr">第一段<br>第二段<p>三</p><p>四</p></div>', cfg, { url: 'https://x.gov.cn/d.html', title: 't' });
    expect(r?.content).toBe('第一段\n第二段三\n四');
  });

  test('ISO 8601 times with an offset keep their time', () => {
    expect(chinaDateTime('2020-04-28T10:31:00+08:00')).toBe('2020-04-28T02:31:00.000Z');
    expect(chinaDateTime('2020-04-28T02:31:00Z')).toBe('2020-04-28T02:31:00.000Z');
  });

  test('error rows point at the right entry, counting non-objects and blank lines', () => {
    const json = parseExportFile('json', '[{"id":1,"content":"a"},"junk",{"id":3}]');
    expect(json.errors).toEqual(['row 2: not an object', 'row 3: id and content are required']);
    const csv = parseExportFile('csv', 'id,content\n1,a\n\n3,\n');
    expect(csv.errors).toEqual(['row 3: id and content are required']);
  });
});
