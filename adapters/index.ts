/**
 * The list of adapters: the only door from `src/` to `adapters/`.
 * A channel's `adapter` names one of these; the hub refuses a channel whose adapter is missing.
 */
import { ChannelAdapter } from './contract';
import { appJinriyunchengAdapter } from './app-jinriyuncheng';
import { peopleLeadersBoardAdapter } from './people-leaders-board';
import { portalAdapter } from './portal';
import { webFormAdapter } from './web-form';

export * from './contract';

export const ADAPTERS: readonly ChannelAdapter[] = [webFormAdapter, portalAdapter, peopleLeadersBoardAdapter, appJinriyunchengAdapter];

export function findAdapter(name: string): ChannelAdapter | undefined {
  return ADAPTERS.find((a) => a.manifest.name === name);
}
