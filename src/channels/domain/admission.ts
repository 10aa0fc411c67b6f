/**
 * What the hub does with a message or a visitor arriving from a channel, by the channel table.
 * Pure: the registry row in, the decision out. Used by intake, /go/ and the mailbox form.
 */
import { ChannelEntity, ReferTo } from '../entities/channel.entity';

export const MAILBOX_URL = '/mailbox';

export type Admission =
  | { kind: 'accept'; channel: ChannelEntity; adapter: string }
  | { kind: 'unknown'; channelId: string }
  | { kind: 'closed'; channel: ChannelEntity; message: string; mailboxUrl: string }
  | { kind: 'excluded'; channel: ChannelEntity; message: string; referTo: ReferTo | null }
  | { kind: 'pulled'; channel: ChannelEntity; message: string };

export function admit(channelId: string, channel: ChannelEntity | undefined): Admission {
  if (!channel) return { kind: 'unknown', channelId };
  switch (channel.disposition) {
    case 'closed':
      return { kind: 'closed', channel, message: channel.guidance, mailboxUrl: MAILBOX_URL };
    case 'excluded':
      return { kind: 'excluded', channel, message: channel.guidance, referTo: channel.referTo };
    case 'retained':
      // It keeps its own intake; the hub pulls from it and takes no pushes in its name.
      return { kind: 'pulled', channel, message: `${channel.name}保留独立受理，其留言由市长信箱定时汇集，不接受直接提交。` };
    case 'redirected':
    case 'own':
      if (!channel.enabled || !channel.adapter) {
        return { kind: 'closed', channel, message: `${channel.name}暂停受理留言，请通过“市长信箱”留言。`, mailboxUrl: MAILBOX_URL };
      }
      return { kind: 'accept', channel, adapter: channel.adapter };
  }
}
