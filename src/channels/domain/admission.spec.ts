/** admit(): the registry row in, the decision out. */
import { ChannelEntity } from '../entities/channel.entity';
import { admit, MAILBOX_URL } from './admission';

function channel(overrides: Partial<ChannelEntity>): ChannelEntity {
  return {
    id: 'wechat-test',
    unit: '市测试局',
    name: '“运城测试”微信公众号',
    disposition: 'closed',
    effectiveFrom: '2020-05-11',
    guidance: '本渠道已关闭留言功能，请通过“市长信箱”留言。',
    referTo: null,
    adapter: null,
    enabled: true,
    config: {},
    position: 0,
    version: 1,
    createdAt: new Date('2020-05-11T00:00:00Z'),
    updatedAt: new Date('2020-05-11T00:00:00Z'),
    ...overrides,
  } as ChannelEntity;
}

const REFER = { unit: '市纪委监委', channel: '12388举报网站', matter: '检举控告' };

describe('admit', () => {
  test('an unknown channel', () => {
    expect(admit('no-such-channel', undefined)).toEqual({ kind: 'unknown', channelId: 'no-such-channel' });
  });

  test.each<[string, Partial<ChannelEntity>, Record<string, unknown>]>([
    ['closed', { disposition: 'closed' }, { kind: 'closed', message: '本渠道已关闭留言功能，请通过“市长信箱”留言。', mailboxUrl: MAILBOX_URL }],
    [
      'closed, even if disabled and with an adapter',
      { disposition: 'closed', enabled: false, adapter: 'web-form' },
      { kind: 'closed', message: '本渠道已关闭留言功能，请通过“市长信箱”留言。', mailboxUrl: '/mailbox' },
    ],
    ['excluded', { disposition: 'excluded', guidance: '请到12388举报。', referTo: REFER }, { kind: 'excluded', message: '请到12388举报。', referTo: REFER }],
    ['excluded without referTo', { disposition: 'excluded', guidance: '请到别处。', referTo: null }, { kind: 'excluded', message: '请到别处。', referTo: null }],
    ['excluded, even with an adapter', { disposition: 'excluded', adapter: 'web-form', referTo: REFER }, { kind: 'excluded', referTo: REFER }],
    ['redirected with an adapter', { disposition: 'redirected', adapter: 'web-form' }, { kind: 'accept', adapter: 'web-form' }],
    ['own with an adapter', { disposition: 'own', adapter: 'web-form' }, { kind: 'accept', adapter: 'web-form' }],
    [
      'retained with its pull adapter: still no pushes',
      { disposition: 'retained', adapter: 'pull-12345', name: '12345热线' },
      { kind: 'pulled', message: '12345热线保留独立受理，其留言由市长信箱定时汇集，不接受直接提交。' },
    ],
    [
      'retained without an adapter',
      { disposition: 'retained', adapter: null, name: '12345热线' },
      { kind: 'pulled', message: '12345热线保留独立受理，其留言由市长信箱定时汇集，不接受直接提交。' },
    ],
    [
      'redirected without an adapter',
      { disposition: 'redirected', adapter: null, name: '某局网站' },
      { kind: 'closed', message: '某局网站暂停受理留言，请通过“市长信箱”留言。', mailboxUrl: MAILBOX_URL },
    ],
    ['own with an empty adapter name', { disposition: 'own', adapter: '' }, { kind: 'closed' }],
    [
      'redirected but disabled',
      { disposition: 'redirected', adapter: 'web-form', enabled: false, name: '某局网站' },
      { kind: 'closed', message: '某局网站暂停受理留言，请通过“市长信箱”留言。', mailboxUrl: MAILBOX_URL },
    ],
    [
      'own but disabled',
      { disposition: 'own', adapter: 'web-form', enabled: false, name: '市长信箱' },
      { kind: 'closed', message: '市长信箱暂停受理留言，请通过“市长信箱”留言。', mailboxUrl: MAILBOX_URL },
    ],
    [
      'retained, disabled and without an adapter',
      { disposition: 'retained', adapter: null, enabled: false, name: '12345热线' },
      { kind: 'pulled', message: '12345热线保留独立受理，其留言由市长信箱定时汇集，不接受直接提交。' },
    ],
  ])('%s', (_, overrides, expected) => {
    const row = channel(overrides);
    const result = admit(row.id, row);
    expect(result).toMatchObject(expected);
    expect((result as { channel: ChannelEntity }).channel).toBe(row);
  });

  test('MAILBOX_URL is /mailbox', () => {
    expect(MAILBOX_URL).toBe('/mailbox');
  });
});
