/** The channel configuration as the puller uses it: manifest defaults applied, every field checked. */
import { AdapterError } from '../contract';
import { manifest } from './manifest';

export interface BoardConfig {
  /** Without a trailing slash. */
  baseUrl: string;
  fids: string[];
  appCode: string;
  token: string;
  api: 'v1' | 'legacy';
  algorithm: string;
  listPath: string;
  contentPath: string;
  legacyListPath: string;
  warmUpPath: string;
  rows: number;
  typeId: number;
  refreshBatch: number;
}

function configError(message: string): AdapterError {
  return new AdapterError('config', message, `请检查人民网留言板渠道配置：${message}。Check the channel configuration: ${message}.`);
}

function valueOf(config: Record<string, unknown>, key: string): unknown {
  const value = config[key];
  return value === undefined || value === null ? manifest.config[key]?.default : value;
}

function str(config: Record<string, unknown>, key: string): string {
  const value = valueOf(config, key);
  if (typeof value !== 'string') throw configError(`${key} must be a string`);
  return value;
}

function path(config: Record<string, unknown>, key: string): string {
  const value = str(config, key).trim();
  if (!value.startsWith('/')) throw configError(`${key} must start with /`);
  return value;
}

function int(config: Record<string, unknown>, key: string): number {
  const value = valueOf(config, key);
  const field = manifest.config[key];
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw configError(`${key} must be an integer`);
  if (field?.min !== undefined && value < field.min) throw configError(`${key} must be at least ${field.min}`);
  if (field?.max !== undefined && value > field.max) throw configError(`${key} must be at most ${field.max}`);
  return value;
}

/** The base URL without its trailing slashes, or undefined when it is not an http(s) URL. */
export function baseUrlOf(config: Record<string, unknown>): string | undefined {
  const value = config.baseUrl;
  if (typeof value !== 'string' || !/^https?:\/\/[^\s/]+/i.test(value.trim())) return undefined;
  return value.trim().replace(/\/+$/, '');
}

export function fidsOf(config: Record<string, unknown>): string[] {
  const value = config.fids;
  if (!Array.isArray(value)) throw configError('fids must be a list of board ids');
  const fids: string[] = [];
  for (const fid of value) {
    const text = typeof fid === 'number' && Number.isSafeInteger(fid) ? String(fid) : fid;
    if (typeof text !== 'string' || !/^[0-9A-Za-z_-]+$/.test(text.trim())) throw configError(`fid ${JSON.stringify(fid)} is not a board id`);
    if (!fids.includes(text.trim())) fids.push(text.trim());
  }
  return fids;
}

export function readConfig(config: Record<string, unknown>): BoardConfig {
  const baseUrl = baseUrlOf(config);
  if (!baseUrl) throw configError('baseUrl must be an http(s) URL');
  const api = str(config, 'api');
  if (api !== 'v1' && api !== 'legacy') throw configError('api must be v1 or legacy');
  const signature = valueOf(config, 'signature');
  if (typeof signature !== 'object' || signature === null || typeof (signature as { algorithm?: unknown }).algorithm !== 'string') {
    throw configError('signature must be an object like { "algorithm": "md5-v1" }');
  }
  return {
    baseUrl,
    fids: fidsOf(config),
    appCode: str(config, 'appCode'),
    token: str(config, 'token'),
    api,
    algorithm: (signature as { algorithm: string }).algorithm,
    listPath: path(config, 'listPath'),
    contentPath: path(config, 'contentPath'),
    legacyListPath: path(config, 'legacyListPath'),
    warmUpPath: path(config, 'warmUpPath'),
    rows: int(config, 'rows'),
    typeId: int(config, 'typeId'),
    refreshBatch: int(config, 'refreshBatch'),
  };
}
