import { ChannelAdapter } from '../contract';
import { manifest } from './manifest';
import { mapLeadersBoard } from './mapper';
import { leadersBoardPuller } from './puller';

/**
 * 人民网领导留言板: a retained channel. The hub pulls each leader's board (fid) through the board's
 * JSON APIs, and re-reads open threads to see their replies arrive.
 */
export const peopleLeadersBoardAdapter: ChannelAdapter = {
  manifest,
  map: mapLeadersBoard,
  puller: leadersBoardPuller,
};
