/**
 * validateConfig and redactSecrets against small hand-made manifests and the real adapters'.
 */
import { AdapterManifest } from '../../../adapters';
import { appJinriyunchengAdapter } from '../../../adapters/app-jinriyuncheng';
import { peopleLeadersBoardAdapter } from '../../../adapters/people-leaders-board';
import { portalAdapter } from '../../../adapters/portal';
import { ConfigProblem, redactSecrets, validateConfig } from './config-validation';

const TEST: AdapterManifest = {
  name: 'test-adapter',
  kind: 'pull',
  description: 'a manifest with one field of each kind',
  config: {
    baseUrl: { type: 'string', required: true, description: 'URL' },
    schedule: { type: 'string', default: '*/30 * * * *', description: 'cron' },
    label: { type: 'string', required: true, description: 'a required string' },
    note: { type: 'string', description: 'an optional string without default' },
    mode: { type: 'string', enum: ['fast', 'slow'], default: 'slow', description: 'enum' },
    enabled: { type: 'boolean', default: false, description: 'boolean' },
    pageSize: { type: 'integer', default: 10, min: 1, max: 100, description: 'bounded integer' },
    retries: { type: 'integer', description: 'unbounded integer' },
    ids: { type: 'string[]', required: true, description: 'required list' },
    tags: { type: 'string[]', default: ['a'], description: 'optional list' },
    mapping: { type: 'object', default: { nested: { x: 1 } }, description: 'object' },
    apiKey: { type: 'string', secret: true, description: 'secret' },
  },
};

const MINIMAL = { baseUrl: 'https://x.gov.cn', label: '测试', ids: ['1'] };

function problemsOf(manifest: AdapterManifest, config: Record<string, unknown>): ConfigProblem[] {
  const result = validateConfig(manifest, config);
  if (result.ok) throw new Error(`expected problems, got ${JSON.stringify(result.value)}`);
  return result.problems;
}

function valueOf(manifest: AdapterManifest, config: Record<string, unknown>): Record<string, unknown> {
  const result = validateConfig(manifest, config);
  if (!result.ok) throw new Error(`expected ok, got ${JSON.stringify(result.problems)}`);
  return result.value;
}

const fields = (problems: ConfigProblem[]) => problems.map((p) => p.field).sort();

describe('validateConfig (hand-made manifest)', () => {
  test('defaults are filled in; fields without default are left out', () => {
    expect(valueOf(TEST, MINIMAL)).toEqual({
      baseUrl: 'https://x.gov.cn',
      schedule: '*/30 * * * *',
      label: '测试',
      mode: 'slow',
      enabled: false,
      pageSize: 10,
      ids: ['1'],
      tags: ['a'],
      mapping: { nested: { x: 1 } },
    });
    expect(Object.keys(valueOf(TEST, MINIMAL))).not.toContain('note');
    expect(Object.keys(valueOf(TEST, MINIMAL))).not.toContain('apiKey');
  });

  test('given values win over defaults', () => {
    const value = valueOf(TEST, { ...MINIMAL, mode: 'fast', enabled: true, pageSize: 100, tags: [], mapping: {}, apiKey: 'k', retries: 0 });
    expect(value).toMatchObject({ mode: 'fast', enabled: true, pageSize: 100, tags: [], mapping: {}, apiKey: 'k', retries: 0 });
  });

  test('null is the same as missing: the default is used', () => {
    expect(valueOf(TEST, { ...MINIMAL, pageSize: null, mode: null })).toMatchObject({ pageSize: 10, mode: 'slow' });
  });

  test('defaults are copies: changing the result does not change the manifest', () => {
    const value = valueOf(TEST, MINIMAL);
    (value.mapping as { nested: { x: number } }).nested.x = 2;
    (value.tags as string[]).push('b');
    expect(TEST.config.mapping.default).toEqual({ nested: { x: 1 } });
    expect(TEST.config.tags.default).toEqual(['a']);
  });

  test('does not modify the given configuration', () => {
    const config = { ...MINIMAL };
    validateConfig(TEST, config);
    expect(config).toEqual(MINIMAL);
  });

  test('required fields missing, null or absent are named', () => {
    const problems = problemsOf(TEST, { label: null });
    expect(problems).toEqual(
      expect.arrayContaining([
        { field: 'baseUrl', message: 'is required' },
        { field: 'label', message: 'is required' },
        { field: 'ids', message: 'is required' },
      ]),
    );
    expect(problems).toHaveLength(3);
  });

  test.each<[string]>([['colour'], ['__proto__'], ['constructor'], ['toString']])('unknown key %j is refused with the adapter name', (key) => {
    const config = JSON.parse(JSON.stringify(MINIMAL)) as Record<string, unknown>;
    Object.defineProperty(config, key, { value: 'x', enumerable: true, configurable: true, writable: true });
    expect(problemsOf(TEST, config)).toEqual([{ field: key, message: 'is not a setting of adapter test-adapter' }]);
  });

  test('all problems are reported together', () => {
    const problems = problemsOf(TEST, { ...MINIMAL, pageSize: 0, enabled: 'yes', extra: 1, ids: [] });
    expect(fields(problems)).toEqual(['enabled', 'extra', 'ids', 'pageSize']);
  });

  test.each<[string, Record<string, unknown>, string, string | RegExp]>([
    // string
    ['a number for a string', { note: 5 }, 'note', 'must be a string'],
    ['an array for a string', { note: ['a'] }, 'note', 'must be a string'],
    ['an empty required string', { label: '' }, 'label', 'must not be empty'],
    ['a blank required string', { label: '  \t' }, 'label', 'must not be empty'],
    // enum
    ['a value outside the enum', { mode: 'medium' }, 'mode', 'must be one of fast, slow'],
    ['an enum value in other case', { mode: 'FAST' }, 'mode', 'must be one of fast, slow'],
    // boolean
    ['"true" for a boolean', { enabled: 'true' }, 'enabled', 'must be true or false'],
    ['1 for a boolean', { enabled: 1 }, 'enabled', 'must be true or false'],
    // integer
    ['a fraction', { pageSize: 1.5 }, 'pageSize', 'must be an integer'],
    ['a numeric string', { pageSize: '10' }, 'pageSize', 'must be an integer'],
    ['NaN', { pageSize: NaN }, 'pageSize', 'must be an integer'],
    ['Infinity', { retries: Infinity }, 'retries', 'must be an integer'],
    ['below min', { pageSize: 0 }, 'pageSize', 'must be at least 1'],
    ['above max', { pageSize: 101 }, 'pageSize', 'must be at most 100'],
    // string[]
    ['a string for a list', { ids: '1' }, 'ids', 'must be a list of non-empty strings'],
    ['a list with a number', { ids: ['1', 2] }, 'ids', 'must be a list of non-empty strings'],
    ['a list with an empty string', { tags: ['a', ''] }, 'tags', 'must be a list of non-empty strings'],
    ['an empty required list', { ids: [] }, 'ids', 'must name at least one'],
    // object
    ['an array for an object', { mapping: [] }, 'mapping', 'must be a mapping'],
    ['a string for an object', { mapping: '{}' }, 'mapping', 'must be a mapping'],
    ['a number for an object', { mapping: 1 }, 'mapping', 'must be a mapping'],
    // baseUrl
    ['baseUrl ftp', { baseUrl: 'ftp://x.gov.cn' }, 'baseUrl', 'must be an http(s) URL'],
    ['baseUrl without scheme', { baseUrl: 'x.gov.cn' }, 'baseUrl', 'must be an http(s) URL'],
    ['baseUrl without host', { baseUrl: 'https://' }, 'baseUrl', 'must be an http(s) URL'],
    ['baseUrl with a leading space', { baseUrl: ' https://x.gov.cn' }, 'baseUrl', 'must be an http(s) URL'],
    ['baseUrl javascript:', { baseUrl: 'javascript:alert(1)//https://x' }, 'baseUrl', 'must be an http(s) URL'],
    // schedule
    ['schedule in words', { schedule: 'whenever' }, 'schedule', /cron expression/],
    ['schedule with minute 61', { schedule: '61 * * * *' }, 'schedule', /cron expression/],
    ['schedule empty', { schedule: '' }, 'schedule', /cron expression/],
    ['schedule with seven fields', { schedule: '* * * * * * *' }, 'schedule', /cron expression/],
  ])('%s → refused', (_name, over, field, message) => {
    const problems = problemsOf(TEST, { ...MINIMAL, ...over });
    expect(problems).toHaveLength(1);
    expect(problems[0].field).toBe(field);
    expect(problems[0].message).toMatch(message);
  });

  test.each<[string, Record<string, unknown>]>([
    ['an empty optional string', { note: '' }],
    ['integer at min', { pageSize: 1 }],
    ['integer at max', { pageSize: 100 }],
    ['a negative unbounded integer', { retries: -5 }],
    ['an empty optional list', { tags: [] }],
    ['an empty object', { mapping: {} }],
    ['http baseUrl', { baseUrl: 'http://127.0.0.1:8080' }],
    ['https baseUrl with a path', { baseUrl: 'https://liuyan.people.com.cn/api' }],
    ['schedule every 30 minutes', { schedule: '*/30 * * * *' }],
    ['schedule weekdays at 9', { schedule: '0 9 * * 1-5' }],
    ['schedule with seconds', { schedule: '0 */5 * * * *' }],
  ])('%s → accepted', (_name, over) => {
    expect(valueOf(TEST, { ...MINIMAL, ...over })).toMatchObject(over);
  });

  test('baseUrl and schedule rules apply by field name only', () => {
    const other: AdapterManifest = {
      name: 'other',
      kind: 'push',
      description: '',
      config: { url: { type: 'string', description: '' }, cron: { type: 'string', description: '' } },
    };
    expect(valueOf(other, { url: 'ftp://x', cron: 'whenever' })).toEqual({ url: 'ftp://x', cron: 'whenever' });
  });
});

describe('validateConfig (real manifests)', () => {
  test('portal: an empty configuration gets the defaults', () => {
    expect(valueOf(portalAdapter.manifest, {})).toEqual({ phoneRequired: true, replayWindowSeconds: 300, importIntervalMs: 1000, fieldMap: {} });
  });

  test('portal: a full configuration is kept', () => {
    const config = {
      phoneRequired: false,
      forwardSecret: 'a'.repeat(40),
      replayWindowSeconds: 30,
      importIntervalMs: 100,
      import: { listUrl: 'https://x.gov.cn/{page}.html' },
      fieldMap: { 姓名: 'name' },
    };
    expect(valueOf(portalAdapter.manifest, config)).toEqual(config);
  });

  test.each<[string, Record<string, unknown>, string]>([
    ['replay window below 30', { replayWindowSeconds: 29 }, 'replayWindowSeconds'],
    ['replay window above 3600', { replayWindowSeconds: 3601 }, 'replayWindowSeconds'],
    ['import interval below 100', { importIntervalMs: 99 }, 'importIntervalMs'],
    ['phoneRequired as a string', { phoneRequired: 'false' }, 'phoneRequired'],
    ['fieldMap as a list', { fieldMap: [['姓名', 'name']] }, 'fieldMap'],
    ['import as a string', { import: 'https://x.gov.cn' }, 'import'],
    ['forwardSecret as a number', { forwardSecret: 12345 }, 'forwardSecret'],
    ['a people-board setting', { fids: ['1'] }, 'fids'],
  ])('portal: %s → refused', (_name, config, field) => {
    expect(fields(problemsOf(portalAdapter.manifest, config))).toEqual([field]);
  });

  test('people-leaders-board: defaults filled in', () => {
    expect(valueOf(peopleLeadersBoardAdapter.manifest, { baseUrl: 'https://liuyan.people.com.cn', fids: ['539'] })).toEqual({
      baseUrl: 'https://liuyan.people.com.cn',
      fids: ['539'],
      schedule: '*/30 * * * *',
      minIntervalMs: 2000,
      appCode: 'PC42ce3bfa4980a9',
      token: '',
      api: 'v1',
      signature: { algorithm: 'md5-v1' },
      listPath: '/v1/threads/list/df',
      contentPath: '/v1/threads/content',
      legacyListPath: '/threads/queryThreadsList',
      warmUpPath: '/',
      rows: 10,
      typeId: 5,
      refreshBatch: 20,
    });
  });

  test.each<[string, Record<string, unknown>, string[]]>([
    ['nothing given', {}, ['baseUrl', 'fids']],
    ['no fids', { fids: [] }, ['fids']],
    ['api v2', { api: 'v2' }, ['api']],
    ['schedule whenever', { schedule: 'whenever' }, ['schedule']],
    ['baseUrl ftp', { baseUrl: 'ftp://liuyan.people.com.cn' }, ['baseUrl']],
    ['rows 0', { rows: 0 }, ['rows']],
    ['rows 101', { rows: 101 }, ['rows']],
    ['minIntervalMs 199', { minIntervalMs: 199 }, ['minIntervalMs']],
    ['signature a string', { signature: 'md5-v1' }, ['signature']],
  ])('people-leaders-board: %s → refused', (_name, over, expected) => {
    const base = Object.keys(over).length ? { baseUrl: 'https://liuyan.people.com.cn', fids: ['539'] } : {};
    expect(fields(problemsOf(peopleLeadersBoardAdapter.manifest, { ...base, ...over }))).toEqual(expected);
  });

  test('people-leaders-board: schedule */30 and legacy api accepted', () => {
    const value = valueOf(peopleLeadersBoardAdapter.manifest, { baseUrl: 'https://liuyan.people.com.cn', fids: ['539', '540'], schedule: '*/30 * * * *', api: 'legacy' });
    expect(value).toMatchObject({ schedule: '*/30 * * * *', api: 'legacy', fids: ['539', '540'] });
  });

  test('app-jinriyuncheng: defaults filled in, apiKey kept, empty limitParam allowed', () => {
    const value = valueOf(appJinriyunchengAdapter.manifest, { baseUrl: 'https://export.example.cn', apiKey: 'k-123', limitParam: '' });
    expect(value).toMatchObject({
      baseUrl: 'https://export.example.cn',
      apiKey: 'k-123',
      limitParam: '',
      schedule: '*/15 * * * *',
      minIntervalMs: 1000,
      apiKeyHeader: 'Authorization',
      pageSize: 50,
      detailForEachItem: false,
      skipModeration: ['pending', 'rejected'],
      publicByDefault: false,
      attachmentsInContent: true,
    });
    expect(value.fields).toEqual(appJinriyunchengAdapter.manifest.config.fields.default);
    expect(value.fields).not.toBe(appJinriyunchengAdapter.manifest.config.fields.default);
  });

  test.each<[string, Record<string, unknown>, string[]]>([
    ['no baseUrl', {}, ['baseUrl']],
    ['pageSize 501', { baseUrl: 'https://export.example.cn', pageSize: 501 }, ['pageSize']],
    ['skipModeration with an empty word', { baseUrl: 'https://export.example.cn', skipModeration: [''] }, ['skipModeration']],
    ['statuses as a list', { baseUrl: 'https://export.example.cn', statuses: [] }, ['statuses']],
    ['schedule every hour in words', { baseUrl: 'https://export.example.cn', schedule: 'hourly' }, ['schedule']],
  ])('app-jinriyuncheng: %s → refused', (_name, config, expected) => {
    expect(fields(problemsOf(appJinriyunchengAdapter.manifest, config))).toEqual(expected);
  });
});

describe('redactSecrets', () => {
  test('hides set secret values only', () => {
    expect(redactSecrets(TEST, { baseUrl: 'https://x.gov.cn', apiKey: 'k-123', note: 'n' })).toEqual({
      baseUrl: 'https://x.gov.cn',
      apiKey: '********',
      note: 'n',
    });
  });

  test.each<[string, unknown]>([
    ['empty', ''],
    ['null', null],
    ['undefined', undefined],
  ])('an unset secret (%s) is shown as it is', (_name, v) => {
    const out = redactSecrets(TEST, { apiKey: v });
    expect(Object.keys(out)).toEqual(['apiKey']);
    expect(out.apiKey).toBe(v);
  });

  test('keys unknown to the manifest pass through; the input is not changed', () => {
    const config = { apiKey: 'k', other: 'o' };
    expect(redactSecrets(TEST, config)).toEqual({ apiKey: '********', other: 'o' });
    expect(config).toEqual({ apiKey: 'k', other: 'o' });
  });

  test('portal: forwardSecret hidden, the rest shown', () => {
    expect(redactSecrets(portalAdapter.manifest, { forwardSecret: 's'.repeat(32), phoneRequired: true, fieldMap: { 姓名: 'name' } })).toEqual({
      forwardSecret: '********',
      phoneRequired: true,
      fieldMap: { 姓名: 'name' },
    });
  });

  test('people-leaders-board: token hidden when set, empty token shown, appCode (not secret) shown', () => {
    const m = peopleLeadersBoardAdapter.manifest;
    expect(redactSecrets(m, { token: 't-1', appCode: 'PC42ce3bfa4980a9' })).toEqual({ token: '********', appCode: 'PC42ce3bfa4980a9' });
    expect(redactSecrets(m, { token: '', appCode: 'PC42ce3bfa4980a9' })).toEqual({ token: '', appCode: 'PC42ce3bfa4980a9' });
  });

  test('app-jinriyuncheng: apiKey hidden, apiKeyHeader shown', () => {
    expect(redactSecrets(appJinriyunchengAdapter.manifest, { apiKey: 'k', apiKeyHeader: 'X-Api-Key' })).toEqual({ apiKey: '********', apiKeyHeader: 'X-Api-Key' });
  });

  test('a validated configuration with defaults, redacted', () => {
    const value = valueOf(peopleLeadersBoardAdapter.manifest, { baseUrl: 'https://liuyan.people.com.cn', fids: ['539'], token: 'secret-token' });
    const shown = redactSecrets(peopleLeadersBoardAdapter.manifest, value);
    expect(shown.token).toBe('********');
    expect(shown.baseUrl).toBe('https://liuyan.people.com.cn');
    expect(JSON.stringify(shown)).not.toContain('secret-token');
  });
});

describe('fixes found by these tests', () => {
  test('a baseUrl with a space is refused', () => {
    const r = validateConfig(peopleLeadersBoardAdapter.manifest, { baseUrl: 'https://a b', fids: ['1'] });
    expect(r.ok).toBe(false);
  });
  test('a portal forward secret shorter than 32 characters is refused', () => {
    const r = validateConfig(portalAdapter.manifest, { forwardSecret: 'short' });
    expect(r).toEqual({ ok: false, problems: [{ field: 'forwardSecret', message: 'must be at least 32 characters' }] });
  });
});
