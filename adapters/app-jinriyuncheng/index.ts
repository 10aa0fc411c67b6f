import { ChannelAdapter } from '../contract';
import { manifest } from './manifest';
import { mapAppItem } from './mapper';
import { appPuller } from './puller';

/**
 * The “今日运城” app of the city TV station: a retained channel whose messages the hub pulls from
 * the station's export API (docs/app-export-contract.md). Field names, status codes and categories
 * of the real API are fitted by the channel's configuration (`fields`, `statuses`, `categories`).
 */
export const appJinriyunchengAdapter: ChannelAdapter = {
  manifest,
  map: mapAppItem,
  puller: appPuller,
};
