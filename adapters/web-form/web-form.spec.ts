/**
 * The web-form mapper, table-driven: every JSON file under fixtures/ok and fixtures/not-ok is one
 * case. Plus direct tests of the pure text and citizen helpers.
 */
import { byFieldAndCode, loadFixtures } from '../../test/utils/adapter-fixtures';
import { FieldError, NormalizedMessage } from '../contract';
import { isEmail, normalizeIdNumber, normalizeMobile } from './citizen';
import { LIMITS } from './limits';
import { mapWebForm } from './mapper';
import { charLength, cleanLine, cleanText, deriveTitle } from '../contract/text';

interface OkFixture {
  description: string;
  config: Record<string, unknown>;
  payload: unknown;
  expected: NormalizedMessage;
}

interface NotOkFixture {
  description: string;
  config: Record<string, unknown>;
  payload: unknown;
  errors: Pick<FieldError, 'field' | 'code'>[];
}


const okFixtures = loadFixtures<OkFixture>(__dirname, 'ok');
const notOkFixtures = loadFixtures<NotOkFixture>(__dirname, 'not-ok');


describe('web-form fixtures', () => {
  test('both fixture folders hold cases', () => {
    expect(okFixtures.length).toBeGreaterThanOrEqual(10);
    expect(notOkFixtures.length).toBeGreaterThanOrEqual(10);
  });

  describe('ok', () => {
    test.each(okFixtures)('%s', (_file, fx) => {
      expect(typeof fx.description).toBe('string');
      expect(fx.expected).toBeDefined();
      const result = mapWebForm(fx.payload, { channelId: 'web-form-test', config: fx.config });
      // toEqual: a key that is undefined in the result is the same as a key absent from the fixture.
      expect(result).toEqual({ ok: true, message: fx.expected });
    });
  });

  describe('not ok', () => {
    test.each(notOkFixtures)('%s', (_file, fx) => {
      expect(typeof fx.description).toBe('string');
      expect(fx.errors.length).toBeGreaterThan(0);
      const result = mapWebForm(fx.payload, { channelId: 'web-form-test', config: fx.config });
      expect(result.ok).toBe(false);
      if (result.ok) return;
      const actual = result.errors.map(({ field, code }) => ({ field, code })).sort(byFieldAndCode);
      const expected = fx.errors.map(({ field, code }) => ({ field, code })).sort(byFieldAndCode);
      expect(actual).toEqual(expected);
      for (const error of result.errors) expect(error.message).toEqual(expect.any(String));
    });
  });
});

describe('mapWebForm', () => {
  test('does not modify the payload', () => {
    const payload = { content: ' 内容\r\n ', phone: '+86 138-0013-8000', isPublic: 'on' };
    const copy = structuredClone(payload);
    mapWebForm(payload, { channelId: 'c', config: {} });
    expect(payload).toEqual(copy);
  });

  test('an explicit title wins over the derived one', () => {
    const result = mapWebForm({ title: '标题', content: '第一行', phone: '13800138000' }, { channelId: 'c', config: {} });
    expect(result.ok && result.message.title).toBe('标题');
  });
});

describe('cleanText', () => {
  test.each<[string, string, string]>([
    ['CRLF to LF', 'a\r\nb', 'a\nb'],
    ['lone CR to LF', 'a\rb', 'a\nb'],
    ['keeps LF and tab', 'a\n\tb', 'a\n\tb'],
    ['drops NUL, BEL, ESC, DEL and C1', 'a\u0000\u0007\u001b\u007f\u0085\u009fb', 'ab'],
    ['drops zero-width and bidi overrides', '\uFEFFa\u200Bb\u200Dc\u202Ed\u2066e', 'abcde'],
    ['replaces a lone surrogate', 'a\uD800b', 'a\uFFFDb'],
    ['keeps astral characters', '😀', '😀'],
    ['composes to NFC', 'e\u0301', '\u00e9'],
    ['keeps HTML as text', '<script>alert(1)</script>', '<script>alert(1)</script>'],
    ['does not trim', '  a  ', '  a  '],
  ])('%s', (_name, input, expected) => {
    expect(cleanText(input)).toBe(expected);
  });
});

describe('cleanLine', () => {
  test.each<[string, string, string]>([
    ['folds newlines and tabs', 'a\r\n\tb\nc', 'a b c'],
    ['collapses runs of spaces', 'a    b', 'a b'],
    ['trims', '  a b  ', 'a b'],
    ['drops control characters', 'a\u0000b', 'ab'],
    ['whitespace only becomes empty', ' \t\r\n ', ''],
  ])('%s', (_name, input, expected) => {
    expect(cleanLine(input)).toBe(expected);
  });
});

describe('deriveTitle', () => {
  test.each<[string, string, number, string]>([
    ['first non-empty line, trimmed', '\n  \n  路灯不亮  \n第二行', 30, '路灯不亮'],
    ['exactly max characters: uncut', 'abcde', 5, 'abcde'],
    ['one over max: cut plus ellipsis', 'abcdef', 5, 'abcde…'],
    ['cuts by code point, not UTF-16 unit', '😀😀😀😀', 3, '😀😀😀…'],
    ['Chinese at the documented limit', '一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二', LIMITS.derivedTitle, '一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十…'],
    ['empty content', '', 30, ''],
    ['blank content', ' \n \n', 30, ''],
  ])('%s', (_name, content, max, expected) => {
    expect(deriveTitle(content, max)).toBe(expected);
  });
});

describe('charLength', () => {
  test.each<[string, string, number]>([
    ['empty', '', 0],
    ['ASCII', 'abc', 3],
    ['Chinese', '市长信箱', 4],
    ['an astral emoji counts as 1', '😀', 1],
    ['mixed', 'a😀中', 3],
  ])('%s', (_name, input, expected) => {
    expect(charLength(input)).toBe(expected);
  });
});

describe('normalizeMobile', () => {
  test.each<[string, string | undefined]>([
    ['13800138000', '13800138000'],
    ['+8613800138000', '13800138000'],
    ['+86 138 0013 8000', '13800138000'],
    ['8613800138000', '13800138000'],
    ['0086-138-0013-8000', '13800138000'],
    ['(+86)139 1234 5678', '13912345678'],
    ['（+86）139 1234 5678', '13912345678'],
    ['19912345678', '19912345678'],
    ['12345', undefined],
    ['12800138000', undefined],
    ['1380013800', undefined],
    ['138001380001', undefined],
    ['0359-2021234', undefined],
    ['+8712800138000', undefined],
    ['1380013800a', undefined],
    ['', undefined],
  ])('%j → %j', (input, expected) => {
    expect(normalizeMobile(input)).toBe(expected);
  });
});

describe('normalizeIdNumber', () => {
  test.each<[string, string | undefined]>([
    ['11010519491231002X', '11010519491231002X'],
    ['11010519491231002x', '11010519491231002X'],
    [' 110105 19491231 002X ', '11010519491231002X'],
    ['140802199001011237', '140802199001011237'],
    ['440524188001010014', '440524188001010014'],
    ['110105194912310021', undefined],
    ['110105194912310029', undefined],
    ['140802199001011238', undefined],
    ['11010519491231002', undefined],
    ['1101051949123100201', undefined],
    ['11010519491231X02X', undefined],
    ['', undefined],
  ])('%j → %j', (input, expected) => {
    expect(normalizeIdNumber(input)).toBe(expected);
  });
});

describe('isEmail', () => {
  test.each<[string, boolean]>([
    ['zhangsan@example.com', true],
    ['wang.wu+tag@mail.yuncheng.gov.cn', true],
    ['a@b.co', true],
    ['a@b.c', false],
    ['zhangsan@', false],
    ['@example.com', false],
    ['zhangsan.example.com', false],
    ['zhang san@example.com', false],
    ['a@b@example.com', false],
    ['<a@example.com>', false],
    ['', false],
  ])('%j → %j', (input, expected) => {
    expect(isEmail(input)).toBe(expected);
  });
});
