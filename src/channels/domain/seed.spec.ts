/** parseChannelSeed: the real seed table, and small documents that must be refused. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseChannelSeed, SeedChannel, SeedError } from './seed';

const REAL = readFileSync(join(__dirname, '..', '..', '..', 'config', 'channels.yaml'), 'utf8');

function seedError(text: string): SeedError {
  try {
    parseChannelSeed(text);
  } catch (e) {
    if (e instanceof SeedError) return e;
    throw new Error(`expected a SeedError, got ${String(e)}`);
  }
  throw new Error('expected a SeedError, got no error');
}

describe('the real config/channels.yaml', () => {
  const rows = parseChannelSeed(REAL);
  const count = (d: SeedChannel['disposition']) => rows.filter((r) => r.disposition === d).length;

  test('has 43 rows: the 42 of the attachment and the mailbox', () => {
    expect(rows).toHaveLength(43);
    expect(rows.filter((r) => r.disposition !== 'own')).toHaveLength(42);
  });

  test('the mailbox row comes first and is the only own row', () => {
    expect(rows[0]).toMatchObject({ id: 'mailbox', disposition: 'own', adapter: 'web-form', position: 0, config: { phoneRequired: true } });
    expect(rows.filter((r) => r.disposition === 'own').map((r) => r.id)).toEqual(['mailbox']);
  });

  test.each<[SeedChannel['disposition'], number]>([
    ['closed', 23],
    ['redirected', 12],
    ['retained', 2],
    ['excluded', 5],
    ['own', 1],
  ])('%s: %i rows', (disposition, n) => {
    expect(count(disposition)).toBe(n);
  });

  test('ids are unique and positions are the row order', () => {
    expect(new Set(rows.map((r) => r.id)).size).toBe(43);
    expect(rows.map((r) => r.position)).toEqual(Array.from({ length: 43 }, (_, i) => i));
  });

  test('every excluded row has a complete referTo; no other row has one', () => {
    for (const r of rows) {
      if (r.disposition === 'excluded') {
        expect(r.referTo).toEqual({ unit: expect.any(String), channel: expect.any(String), matter: expect.any(String) });
        expect(r.referTo!.unit.length * r.referTo!.channel.length * r.referTo!.matter.length).toBeGreaterThan(0);
      } else {
        expect(r.referTo).toBeNull();
      }
    }
  });

  test.each<[SeedChannel['disposition'], string | null]>([
    ['own', 'web-form'],
    ['redirected', 'portal'],
    ['closed', null],
    ['excluded', null],
  ])('%s rows get adapter %s', (disposition, adapter) => {
    const of = rows.filter((r) => r.disposition === disposition);
    expect(of.length).toBeGreaterThan(0);
    expect(of.map((r) => r.adapter)).toEqual(of.map(() => adapter));
  });

  test('retained rows name their own pull adapter and start disabled (their endpoints are configuration)', () => {
    const retained = rows.filter((r) => r.disposition === 'retained');
    expect(retained.map((r) => [r.id, r.adapter, r.enabled])).toEqual([
      ['app-jinriyuncheng', 'app-jinriyuncheng', false],
      ['people-leaders-board', 'people-leaders-board', false],
    ]);
    expect(rows.filter((r) => r.disposition !== 'retained').every((r) => r.enabled)).toBe(true);
  });

  test('every row has unit, name, guidance and the document effectiveFrom', () => {
    for (const r of rows) {
      expect(r.unit).not.toBe('');
      expect(r.name).not.toBe('');
      expect(r.guidance).not.toBe('');
      expect(r.effectiveFrom).toBe('2020-05-11');
    }
  });
});

describe('small documents', () => {
  const row = (fields: string) => `effectiveFrom: "2021-01-01"\nchannels:\n  - ${fields.trim().split('\n').join('\n    ')}\n`;
  const good = 'id: web-a\nunit: 市测试局\nname: 测试网站\ndisposition: redirected\nguidance: 请留言';

  test('a minimal valid row', () => {
    expect(parseChannelSeed(row(good))).toEqual([
      {
        id: 'web-a',
        unit: '市测试局',
        name: '测试网站',
        disposition: 'redirected',
        effectiveFrom: '2021-01-01',
        guidance: '请留言',
        referTo: null,
        adapter: 'portal',
        enabled: true,
        config: {},
        position: 0,
      },
    ]);
  });

  test('a row may override effectiveFrom; strings are trimmed', () => {
    const [r] = parseChannelSeed(row(`${good}\neffectiveFrom: "2022-02-02"`).replace('unit: 市测试局', 'unit: "  市测试局  "'));
    expect(r.effectiveFrom).toBe('2022-02-02');
    expect(r.unit).toBe('市测试局');
  });

  test('own rows come before channels rows', () => {
    const doc = `effectiveFrom: "2021-01-01"\nchannels:\n  - { id: c1, unit: u, name: n, disposition: closed, guidance: g }\nown:\n  - { id: mine, unit: u, name: n, disposition: own, guidance: g }\n`;
    expect(parseChannelSeed(doc).map((r) => [r.id, r.position])).toEqual([
      ['mine', 0],
      ['c1', 1],
    ]);
  });

  test('an empty channel list is no rows', () => {
    expect(parseChannelSeed('effectiveFrom: "2021-01-01"\n')).toEqual([]);
  });

  test.each<[string, string, RegExp]>([
    [
      'duplicate id',
      'effectiveFrom: "2021-01-01"\nchannels:\n  - { id: dup-a, unit: u, name: n, disposition: closed, guidance: g }\n  - { id: dup-a, unit: u, name: n, disposition: closed, guidance: g }\n',
      /row 2 \(dup-a\): duplicate id/,
    ],
    ['duplicate id across own and channels', `effectiveFrom: "2021-01-01"\nown:\n  - { id: same, unit: u, name: n, disposition: own, guidance: g }\nchannels:\n  - { id: same, unit: u, name: n, disposition: closed, guidance: g }\n`, /row 2 \(same\): duplicate id/],
    ['upper-case id', row(good.replace('web-a', 'Web-A')), /row 1 \(Web-A\): id must be lower-case/],
    ['id with an underscore', row(good.replace('web-a', 'web_a')), /row 1 \(web_a\): id must be/],
    ['id with a space', row(good.replace('web-a', '"web a"')), /row 1 \(web a\): id must be/],
    ['id starting with a dash', row(good.replace('web-a', '"-web"')), /row 1 \(-web\): id must be/],
    ['id of one character', row(good.replace('web-a', 'w')), /row 1 \(w\): id must be/],
    ['id with Chinese', row(good.replace('web-a', '市长信箱')), /row 1 \(市长信箱\): id must be/],
    ['missing id', row(good.replace('id: web-a', 'idx: web-a')), /row 1 \(\?\): "id" must be a non-empty string/],
    ['numeric id', row(good.replace('web-a', '12345')), /row 1 \(12345\): "id" must be a non-empty string/],
    ['unknown disposition', row(good.replace('redirected', 'deleted')), /row 1 \(web-a\): unknown disposition "deleted"/],
    ['misspelt disposition', row(good.replace('redirected', 'Redirected')), /row 1 \(web-a\): unknown disposition "Redirected"/],
    ['missing disposition', row(good.replace('disposition: redirected', 'kind: redirected')), /row 1 \(web-a\): "disposition" must be/],
    ['excluded without referTo', row(good.replace('redirected', 'excluded')), /row 1 \(web-a\): an excluded channel needs referTo/],
    ['excluded with a string referTo', row(`${good.replace('redirected', 'excluded')}\nreferTo: 12388`), /row 1 \(web-a\): an excluded channel needs referTo/],
    ['excluded with referTo missing matter', row(`${good.replace('redirected', 'excluded')}\nreferTo: { unit: u, channel: c }`), /row 1 \(web-a\): "matter" must be/],
    ['missing guidance', row(good.replace('guidance: 请留言', '')), /row 1 \(web-a\): "guidance" must be a non-empty string/],
    ['blank guidance', row(good.replace('guidance: 请留言', 'guidance: "   "')), /row 1 \(web-a\): "guidance" must be a non-empty string/],
    ['missing unit', row(good.replace('unit: 市测试局', '')), /row 1 \(web-a\): "unit" must be/],
    ['missing name', row(good.replace('name: 测试网站', '')), /row 1 \(web-a\): "name" must be/],
    ['config as a list', row(`${good}\nconfig: [1, 2]`), /row 1 \(web-a\): config must be a mapping/],
    ['config as a string', row(`${good}\nconfig: yes`), /row 1 \(web-a\): config must be a mapping/],
    ['a row that is not a mapping', 'effectiveFrom: "2021-01-01"\nchannels:\n  - just-a-string\n', /row 1: not a mapping/],
    ['the later of two rows is named', `effectiveFrom: "2021-01-01"\nchannels:\n  - { id: ok-1, unit: u, name: n, disposition: closed, guidance: g }\n  - { id: bad-2, unit: u, name: n, disposition: gone, guidance: g }\n`, /row 2 \(bad-2\): unknown disposition "gone"/],
    ['no effectiveFrom', 'channels: []\n', /effectiveFrom must be YYYY-MM-DD/],
    ['a bad effectiveFrom', 'effectiveFrom: "2021/01/01"\nchannels: []\n', /effectiveFrom must be YYYY-MM-DD/],
    ['a document that is a list', '- a\n- b\n', /effectiveFrom must be YYYY-MM-DD/],
    ['an empty document', '', /not a mapping/],
    ['a scalar document', '42', /not a mapping/],
  ])('%s', (_, text, message) => {
    expect(seedError(text).message).toMatch(message);
  });
});

describe('dispositions are checked as own keys', () => {
  test.each(['constructor', 'toString', '__proto__', 'hasOwnProperty'])('disposition %s is unknown', (d) => {
    const doc = `effectiveFrom: "2021-01-01"\nchannels:\n  - { id: c1, unit: u, name: n, disposition: "${d}", guidance: g }\n`;
    expect(() => parseChannelSeed(doc)).toThrow(/unknown disposition/);
  });
});
