/** Body decoding: bytes to fields, JSON or urlencoded, UTF-8 or GBK. Pure functions. */
import iconv from 'iconv-lite';
import { BodyError, decodeText, parseBody, parseContentType, parseForm, parseJson } from './decode';

/** Percent-encodes every byte, as a browser does for a form in that charset. */
function pct(bytes: Buffer): string {
  return Array.from(bytes, (b) => '%' + b.toString(16).toUpperCase().padStart(2, '0')).join('');
}
const gbkPct = (s: string) => pct(iconv.encode(s, 'gbk'));
const utf8Pct = (s: string) => pct(Buffer.from(s, 'utf8'));

function bodyError(fn: () => unknown): BodyError {
  try {
    fn();
  } catch (e) {
    if (e instanceof BodyError) return e;
    throw new Error(`expected a BodyError, got ${String(e)}`);
  }
  throw new Error('expected a BodyError, got no error');
}

describe('parseContentType', () => {
  test.each<[string | undefined, { type: string; charset?: string }]>([
    [undefined, { type: '' }],
    ['', { type: '' }],
    ['application/json', { type: 'application/json' }],
    ['Application/JSON', { type: 'application/json' }],
    ['application/json; charset=utf-8', { type: 'application/json', charset: 'utf-8' }],
    ['application/x-www-form-urlencoded;charset=GBK', { type: 'application/x-www-form-urlencoded', charset: 'GBK' }],
    ['text/plain; Charset = gb2312 ', { type: 'text/plain', charset: 'gb2312' }],
    ['application/json; charset="utf-8"', { type: 'application/json', charset: '"utf-8"' }],
    ['multipart/form-data; boundary=abc', { type: 'multipart/form-data' }],
    ['text/plain; charset', { type: 'text/plain' }],
    ['text/plain; charset=', { type: 'text/plain' }],
  ])('%j', (header, expected) => {
    expect(parseContentType(header)).toEqual(expected);
  });
});

describe('decodeText', () => {
  test.each<[string, Buffer, string | undefined, string]>([
    ['UTF-8 by default', Buffer.from('张三', 'utf8'), undefined, '张三'],
    ['utf8 alias', Buffer.from('张三', 'utf8'), 'UTF8', '张三'],
    ['gbk', iconv.encode('运城市', 'gbk'), 'gbk', '运城市'],
    ['gb2312', iconv.encode('运城市', 'gb2312'), 'GB2312', '运城市'],
    ['gb18030', iconv.encode('运城市𠀀', 'gb18030'), 'gb18030', '运城市𠀀'],
    ['quoted charset', iconv.encode('运城', 'gbk'), '"gbk"', '运城'],
    ['big5', iconv.encode('運城', 'big5'), 'big5', '運城'],
    ['latin1', Buffer.from([0x63, 0x61, 0x66, 0xe9]), 'iso-8859-1', 'café'],
  ])('%s', (_, bytes, charset, expected) => {
    expect(decodeText(bytes, charset)).toBe(expected);
  });
});

describe('parseBody: JSON', () => {
  test.each<[string, Buffer, string, unknown]>([
    ['UTF-8', Buffer.from('{"name":"张三","n":1}'), 'application/json', { name: '张三', n: 1 }],
    ['UTF-8 with charset', Buffer.from('{"a":[1,2]}'), 'application/json; charset=utf-8', { a: [1, 2] }],
    [
      'UTF-8 with BOM',
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"content":"路灯不亮"}')]),
      'application/json',
      { content: '路灯不亮' },
    ],
    ['GBK-declared', iconv.encode('{"content":"路灯不亮","name":"李四"}', 'gbk'), 'application/json; charset=gbk', { content: '路灯不亮', name: '李四' }],
    ['GB2312-declared, quoted', iconv.encode('{"x":"运城"}', 'gb2312'), 'application/json; charset="GB2312"', { x: '运城' }],
    ['a +json type', Buffer.from('{"ok":true}'), 'application/problem+json', { ok: true }],
    ['a JSON string', Buffer.from('"市长信箱"'), 'application/json', '市长信箱'],
  ])('%s', (_, body, ct, expected) => {
    expect(parseBody(body, ct)).toEqual(expected);
  });

  test('a BOM only at the start is removed, not inside strings', () => {
    expect(parseJson(Buffer.from('\uFEFF{"a":"\uFEFFb"}'), undefined)).toEqual({ a: '\uFEFFb' });
  });
});

describe('parseBody: errors', () => {
  test.each<[string, Buffer, string | undefined, 400 | 415, RegExp]>([
    ['malformed JSON', Buffer.from('{"a":'), 'application/json', 400, /malformed JSON/],
    ['JSON with a trailing comma', Buffer.from('{"a":1,}'), 'application/json', 400, /malformed JSON/],
    ['invalid UTF-8 in JSON', Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xd5, 0xc5, 0x22, 0x7d]), 'application/json', 400, /not valid UTF-8/],
    ['GBK bytes sent as UTF-8', iconv.encode('{"a":"张三"}', 'gbk'), 'application/json; charset=utf-8', 400, /not valid UTF-8/],
    ['invalid UTF-8 percent-encoded in a form', Buffer.from('a=%FF%FE'), 'application/x-www-form-urlencoded', 400, /not valid UTF-8/],
    ['text/plain', Buffer.from('hello'), 'text/plain', 415, /unsupported Content-Type "text\/plain"/],
    ['multipart', Buffer.from('--x'), 'multipart/form-data; boundary=x', 415, /unsupported Content-Type/],
    ['no Content-Type', Buffer.from('{}'), undefined, 415, /\(none\)/],
    ['unknown charset on JSON', Buffer.from('{}'), 'application/json; charset=koi8-r', 415, /unsupported charset "koi8-r"/],
    ['unknown charset on a form', Buffer.from('a=b'), 'application/x-www-form-urlencoded; charset=shift_jis', 415, /unsupported charset "shift_jis"/],
  ])('%s', (_, body, ct, status, message) => {
    const err = bodyError(() => parseBody(body, ct));
    expect(err.status).toBe(status);
    expect(err.message).toMatch(message);
  });

  test.each<[string, string | undefined]>([
    ['JSON', 'application/json'],
    ['form', 'application/x-www-form-urlencoded'],
    ['unsupported type', 'text/plain'],
    ['no type', undefined],
    ['unknown charset', 'application/json; charset=koi8-r'],
  ])('an empty body is undefined (%s)', (_, ct) => {
    expect(parseBody(Buffer.alloc(0), ct)).toBeUndefined();
  });
});

describe('parseForm', () => {
  test.each<[string, string | Buffer, string | undefined, Record<string, string>]>([
    ['plain ASCII', 'a=1&b=two', undefined, { a: '1', b: 'two' }],
    ['UTF-8 percent-encoding', `name=${utf8Pct('张三')}&content=${utf8Pct('路灯不亮')}`, undefined, { name: '张三', content: '路灯不亮' }],
    ['lower-case hex escapes', 'name=%e5%bc%a0', undefined, { name: '张' }],
    ['+ as a space', 'title=hello+world&q=a%2Bb', undefined, { title: 'hello world', q: 'a+b' }],
    ['percent-encoded key', `${utf8Pct('姓名')}=${utf8Pct('王五')}`, 'utf-8', { 姓名: '王五' }],
    ['GBK with charset=gbk', `name=${gbkPct('张三')}&content=${gbkPct('运城市盐湖区')}`, 'gbk', { name: '张三', content: '运城市盐湖区' }],
    ['GBK with charset=GB2312', `name=${gbkPct('李四')}`, 'GB2312', { name: '李四' }],
    ['GBK with a _charset_ field', `_charset_=gbk&name=${gbkPct('张三')}`, undefined, { name: '张三' }],
    ['GBK with a _charset_ field last', `name=${gbkPct('张三')}&_charset_=GBK`, undefined, { name: '张三' }],
    ['Content-Type charset beats _charset_', `_charset_=gbk&name=${utf8Pct('张三')}`, 'utf-8', { name: '张三' }],
    ['empty _charset_ means UTF-8', `_charset_=&name=${utf8Pct('张三')}`, undefined, { name: '张三' }],
    ['a repeated field: the first wins', 'a=first&a=second&a=third', undefined, { a: 'first' }],
    ['a key without a value', 'flag&a=1', undefined, { flag: '', a: '1' }],
    ['an empty value', 'a=&b=2', undefined, { a: '', b: '2' }],
    ['a value containing =', 'a=x=y', undefined, { a: 'x=y' }],
    ['empty pairs are skipped', '&&a=1&&', undefined, { a: '1' }],
    ['a bare % is kept', 'a=100%&b=%zz', undefined, { a: '100%', b: '%zz' }],
    ['an escape at the very end', 'a=%41', undefined, { a: 'A' }],
  ])('%s', (_, body, charset, expected) => {
    const out = parseForm(Buffer.isBuffer(body) ? body : Buffer.from(body, 'latin1'), charset);
    expect(out).toEqual(expected);
  });

  test('through parseBody with a GBK Content-Type', () => {
    expect(parseBody(Buffer.from(`name=${gbkPct('张三')}`), 'application/x-www-form-urlencoded; charset=gbk')).toEqual({ name: '张三' });
  });

  test('GBK bytes without a declared charset are refused as invalid UTF-8', () => {
    expect(bodyError(() => parseForm(Buffer.from(`name=${gbkPct('张三')}`), undefined)).status).toBe(400);
  });

  test('an unknown _charset_ is 415', () => {
    const err = bodyError(() => parseForm(Buffer.from('_charset_=klingon&a=1'), undefined));
    expect(err.status).toBe(415);
  });

  describe('no prototype pollution', () => {
    test.each([
      ['__proto__[polluted]=yes'],
      ['__proto__=x'],
      ['%5F%5Fproto%5F%5F=x'],
      ['__proto__=x&__proto__=y&a=1'],
      ['constructor[prototype][polluted]=yes'],
    ])('%s', (body) => {
      const out = parseForm(Buffer.from(body), undefined) as Record<string, unknown>;
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
      expect(Object.prototype.hasOwnProperty.call(out, '__proto__')).toBe(false);
      expect(out.polluted).toBeUndefined();
    });

    test('a __proto__ field is dropped but the other fields are kept', () => {
      const out = parseForm(Buffer.from('__proto__=x&name=a'), undefined);
      expect(out).toEqual({ name: 'a' });
      expect(Object.keys(out)).toEqual(['name']);
    });

    test('a constructor field is an ordinary string field', () => {
      const out = parseForm(Buffer.from('constructor=x'), undefined);
      expect(Object.keys(out)).toEqual(['constructor']);
      expect(out.constructor).toBe('x');
    });
  });

  describe('field count limit', () => {
    const fields = (n: number) => Array.from({ length: n }, (_, i) => `f${i}=${i}`).join('&');

    test('100 fields are accepted', () => {
      expect(Object.keys(parseForm(Buffer.from(fields(100)), undefined))).toHaveLength(100);
    });

    test('empty pairs do not count', () => {
      expect(Object.keys(parseForm(Buffer.from(fields(100) + '&&&&'), undefined))).toHaveLength(100);
    });

    test.each([101, 1000])('%i fields are a 400', (n) => {
      const err = bodyError(() => parseForm(Buffer.from(fields(n)), undefined));
      expect(err.status).toBe(400);
      expect(err.message).toMatch(/at most 100 fields/);
    });

    test('101 repeated fields are still a 400', () => {
      const body = Array.from({ length: 101 }, () => 'a=1').join('&');
      expect(bodyError(() => parseBody(Buffer.from(body), 'application/x-www-form-urlencoded')).status).toBe(400);
    });
  });
});

describe('parseForm with raw (not %-encoded) bytes', () => {
  test('raw UTF-8 bytes decode as UTF-8', () => {
    expect(parseForm(Buffer.concat([Buffer.from('name='), Buffer.from('张三', 'utf8')]), undefined)).toEqual({ name: '张三' });
  });
  test('raw GBK bytes decode with charset=gbk', () => {
    expect(parseForm(Buffer.concat([Buffer.from('name='), iconv.encode('张三', 'gbk')]), 'gbk')).toEqual({ name: '张三' });
  });
  test('raw invalid bytes are a 400, not mojibake', () => {
    expect(() => parseForm(Buffer.from([0x61, 0x3d, 0xff, 0xfe]), undefined)).toThrow(BodyError);
  });
});
