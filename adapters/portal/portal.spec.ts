/**
 * The portal adapter, table-driven: every JSON file under fixtures/ok and fixtures/not-ok is one
 * forward (config, optional origin, payload). Plus direct tests of applyFieldMap and the manifest.
 */
import { byFieldAndCode, loadFixtures } from '../../test/utils/adapter-fixtures';
import { FieldError, MapContext, NormalizedMessage } from '../contract';
import { mapWebForm } from '../web-form/mapper';
import { applyFieldMap, mapPortal, portalAdapter } from '.';

interface OkFixture {
  description: string;
  config: Record<string, unknown>;
  origin?: MapContext['origin'];
  payload: unknown;
  expected: NormalizedMessage;
}

interface NotOkFixture {
  description: string;
  config: Record<string, unknown>;
  origin?: MapContext['origin'];
  payload: unknown;
  errors: Pick<FieldError, 'field' | 'code'>[];
}


const okFixtures = loadFixtures<OkFixture>(__dirname, 'ok');
const notOkFixtures = loadFixtures<NotOkFixture>(__dirname, 'not-ok');


const FIELD_MAP = { 姓名: 'name', 联系电话: 'phone', 标题: 'title', 内容: 'content' };

describe('portal fixtures', () => {
  test('both fixture folders hold cases', () => {
    expect(okFixtures.length).toBeGreaterThanOrEqual(8);
    expect(notOkFixtures.length).toBeGreaterThanOrEqual(8);
  });

  describe('ok', () => {
    test.each(okFixtures)('%s', (_file, fx) => {
      expect(typeof fx.description).toBe('string');
      expect(fx.expected).toBeDefined();
      const result = mapPortal(fx.payload, { channelId: 'portal-test', origin: fx.origin, config: fx.config });
      expect(result).toEqual({ ok: true, message: fx.expected });
    });
  });

  describe('not ok', () => {
    test.each(notOkFixtures)('%s', (_file, fx) => {
      expect(typeof fx.description).toBe('string');
      expect(fx.errors.length).toBeGreaterThan(0);
      const result = mapPortal(fx.payload, { channelId: 'portal-test', origin: fx.origin, config: fx.config });
      expect(result.ok).toBe(false);
      if (result.ok) return;
      const actual = result.errors.map(({ field, code }) => ({ field, code })).sort(byFieldAndCode);
      const expected = fx.errors.map(({ field, code }) => ({ field, code })).sort(byFieldAndCode);
      expect(actual).toEqual(expected);
      for (const error of result.errors) expect(error.message).toEqual(expect.any(String));
    });
  });
});

describe('mapPortal', () => {
  test('phone optional for origin import, required for push, pull and none (phoneRequired true)', () => {
    const payload = { 内容: '道路积水严重' };
    const config = { phoneRequired: true, fieldMap: FIELD_MAP };
    expect(mapPortal(payload, { channelId: 'p', origin: 'import', config }).ok).toBe(true);
    for (const origin of ['push', 'pull', undefined] as const) {
      const result = mapPortal(payload, { channelId: 'p', origin, config });
      expect(result).toEqual({ ok: false, errors: [expect.objectContaining({ field: 'phone', code: 'required' })] });
    }
  });

  test('does not modify the payload or the fieldMap', () => {
    const payload = { 姓名: ' 张三 ', 内容: '内容\r\n', 联系电话: '138-0013-8000', name: '李四' };
    const fieldMap = { ...FIELD_MAP };
    const payloadCopy = structuredClone(payload);
    const mapCopy = structuredClone(fieldMap);
    mapPortal(payload, { channelId: 'p', config: { fieldMap } });
    expect(payload).toEqual(payloadCopy);
    expect(fieldMap).toEqual(mapCopy);
  });

  test('gives the same result as the web-form mapper once the names are mapped', () => {
    const forward = { 姓名: '张三', 联系电话: '13800138000', 标题: '路灯不亮', 内容: '路灯坏了', category: '反映' };
    const hub = { name: '张三', phone: '13800138000', title: '路灯不亮', content: '路灯坏了', category: '反映' };
    const ctx = { channelId: 'p', config: { fieldMap: FIELD_MAP } };
    expect(mapPortal(forward, ctx)).toEqual(mapWebForm(hub, ctx));
    expect(mapPortal(forward, ctx).ok).toBe(true);
  });
});

describe('applyFieldMap', () => {
  test('renames mapped keys and keeps the others', () => {
    expect(applyFieldMap({ 姓名: '张三', 内容: 'x', email: 'a@b.cn' }, FIELD_MAP)).toEqual({ name: '张三', content: 'x', email: 'a@b.cn' });
  });

  test('keeps values as they are (no cleaning, no type change)', () => {
    const nested = { a: 1 };
    const out = applyFieldMap({ 联系电话: 13800138000, 内容: nested, 标题: null }, FIELD_MAP) as Record<string, unknown>;
    expect(out).toEqual({ phone: 13800138000, content: { a: 1 }, title: null });
    expect(out.content).toBe(nested);
  });

  test.each<[string, unknown]>([
    ['null', null],
    ['a string', 'content=x'],
    ['a number', 42],
    ['an array', [{ 内容: 'x' }]],
    ['undefined', undefined],
  ])('returns %s unchanged', (_name, payload) => {
    expect(applyFieldMap(payload, FIELD_MAP)).toBe(payload);
  });

  test('without a fieldMap returns the payload itself', () => {
    const payload = { 内容: 'x' };
    expect(applyFieldMap(payload, undefined)).toBe(payload);
  });

  test('a mapped name wins whatever the key order', () => {
    expect(applyFieldMap({ name: 'B', 姓名: 'A' }, FIELD_MAP)).toEqual({ name: 'A' });
    expect(applyFieldMap({ 姓名: 'A', name: 'B' }, FIELD_MAP)).toEqual({ name: 'A' });
  });

  test('an inherited property of the fieldMap is not a mapping', () => {
    const fieldMap = Object.create({ 内容: 'title' }) as Record<string, unknown>;
    fieldMap.联系电话 = 'phone';
    expect(applyFieldMap({ 内容: 'x', 联系电话: '13800138000' }, fieldMap)).toEqual({ 内容: 'x', phone: '13800138000' });
  });

  test('a __proto__ payload key sets neither the result prototype nor Object.prototype', () => {
    const payload = JSON.parse('{"__proto__": {"content": "注入", "polluted": true}, "内容": "正文"}') as unknown;
    const out = applyFieldMap(payload, FIELD_MAP) as Record<string, unknown>;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(out.content).toBe('正文');
    expect(out.polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.keys(out)).toEqual(['content']);
  });

  test('a constructor payload key does not reach the prototype chain', () => {
    const payload = JSON.parse('{"constructor": {"prototype": {"polluted": true}}, "内容": "正文"}') as unknown;
    const out = applyFieldMap(payload, FIELD_MAP) as Record<string, unknown>;
    expect(out.content).toBe('正文');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype.constructor).toBe(Object);
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
  });
});

describe('portal manifest', () => {
  const { manifest } = portalAdapter;

  test('names the adapter and its kind, and maps with mapPortal', () => {
    expect(manifest.name).toBe('portal');
    expect(manifest.kind).toBe('push');
    expect(portalAdapter.map).toBe(mapPortal);
    expect(portalAdapter.puller).toBeUndefined();
  });

  test('settings, types and defaults', () => {
    expect(Object.keys(manifest.config).sort()).toEqual(
      ['fieldMap', 'forwardSecret', 'import', 'importIntervalMs', 'phoneRequired', 'replayWindowSeconds'].sort(),
    );
    expect(manifest.config.phoneRequired).toMatchObject({ type: 'boolean', default: true });
    expect(manifest.config.forwardSecret).toMatchObject({ type: 'string', secret: true });
    expect(manifest.config.forwardSecret.default).toBeUndefined();
    expect(manifest.config.replayWindowSeconds).toMatchObject({ type: 'integer', default: 300, min: 30, max: 3600 });
    expect(manifest.config.importIntervalMs).toMatchObject({ type: 'integer', default: 1000, min: 100 });
    expect(manifest.config.import).toMatchObject({ type: 'object' });
    expect(manifest.config.fieldMap).toMatchObject({ type: 'object', default: {} });
  });

  test('only forwardSecret is secret; every field is described', () => {
    const secrets = Object.entries(manifest.config).filter(([, f]) => f.secret).map(([k]) => k);
    expect(secrets).toEqual(['forwardSecret']);
    for (const field of Object.values(manifest.config)) expect(field.description.length).toBeGreaterThan(0);
  });
});

describe('applyFieldMap edge cases', () => {
  test('unmapped keys named like Object methods pass through', () => {
    expect(applyFieldMap({ constructor: 'c', toString: 't', 内容: 'x' }, { 内容: 'content' })).toEqual({ constructor: 'c', toString: 't', content: 'x' });
  });
  test('a map target of __proto__ is ignored, not used to set the prototype', () => {
    const out = applyFieldMap({ 内容: { content: 'x' }, title: 't' }, { 内容: '__proto__' }) as Record<string, unknown>;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(out.content).toBeUndefined();
    expect(out).toEqual({ title: 't' });
  });
});
