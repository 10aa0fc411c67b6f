import { ChannelAdapter } from '../contract';
import { mapWebForm } from './mapper';

/**
 * The web form: the mailbox's own form and the redirected department portals, which now link to
 * it. Push only: the citizen (or a portal's server) posts to the intake endpoint.
 */
export const webFormAdapter: ChannelAdapter = {
  manifest: {
    name: 'web-form',
    kind: 'push',
    description: '市长信箱留言表单及各部门门户网站跳转留言（表单或 JSON 提交）',
    config: {
      phoneRequired: { type: 'boolean', description: '是否要求填写手机号码', default: true },
    },
  },
  map: mapWebForm,
};
