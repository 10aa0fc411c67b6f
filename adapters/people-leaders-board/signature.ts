/**
 * The board's request signature. The algorithm and the appCode change when the board's front end
 * is redeployed, so both come from the channel's configuration; algorithms are named here.
 */
import { createHash } from 'node:crypto';
import { AdapterError } from '../contract';

export const SIGNATURE_ALGORITHMS = ['md5-v1'] as const;
export type SignatureAlgorithm = (typeof SIGNATURE_ALGORITHMS)[number];

function md5(value: string): string {
  return createHash('md5').update(value, 'utf8').digest('hex');
}

/** md5-v1: md5(apiPath + paramString + md5(appCode).slice(0, 16) + token), lowercase hex. */
export function sign(apiPath: string, paramString: string, appCode: string, token: string): string {
  return md5(apiPath + paramString + md5(appCode).slice(0, 16) + token);
}

/** Signs with a configured algorithm; an unknown one is a configuration error. */
export function signWith(algorithm: string, apiPath: string, paramString: string, appCode: string, token: string): string {
  switch (algorithm) {
    case 'md5-v1':
      return sign(apiPath, paramString, appCode, token);
    default:
      throw new AdapterError('config', `unknown signature algorithm ${JSON.stringify(algorithm)}`,
        `签名算法 ${algorithm} 未实现（已实现：${SIGNATURE_ALGORITHMS.join(', ')}）。Unknown signature algorithm; implemented: ${SIGNATURE_ALGORITHMS.join(', ')}.`);
  }
}
