/**
 * The channel configuration of the 今日运城 adapter, with its defaults, read and checked.
 * The manifest (manifest.ts) describes the same fields to the hub; this file is what the mapper and
 * the puller use, so that a configuration that the hub stored without defaults still works.
 */
import { CATEGORIES, Category } from '../contract';
import { isRecord } from './text';

/** Hub field → path in the upstream item (dotted, e.g. `user.mobile`); null or '' = not mapped. */
export const DEFAULT_FIELDS = {
  /** Item fields (paths inside one message item). */
  id: 'id',
  title: 'title',
  content: 'content',
  phone: 'phone',
  /** The citizen's real name: not mapped by default (the app's `nickname` is a screen name). */
  name: null,
  createdAt: 'createdAt',
  status: 'status',
  moderation: 'moderation',
  category: 'category',
  /** The target department; also the reply's organization when a reply names none. */
  department: 'department',
  /** A subject area (城建, 交通 ...), when the app has one. */
  domain: null,
  /** A per-message "public" flag, when the app has one; else `publicByDefault`. */
  isPublic: null,
  /** A page where the citizen reads the message in the app. */
  url: 'url',
  attachments: 'attachments',
  /** Paths inside one attachment (an attachment may also be a bare URL string). */
  attachmentUrl: 'url',
  attachmentName: 'name',
  replies: 'replies',
  /** Paths inside one reply (the replies value may be an array or a single object). */
  replyContent: 'content',
  replyDepartment: 'department',
  replyAt: 'repliedAt',
  /** Paths inside the list answer. */
  itemsPath: 'items',
  nextCursorPath: 'nextCursor',
  hasMorePath: 'hasMore',
  /** Path of the item inside the detail answer ('' or null: the answer is the item). */
  detailItemPath: null,
} as const satisfies Record<string, string | null>;

export type FieldName = keyof typeof DEFAULT_FIELDS;
export type FieldMap = Record<FieldName, string>;

export interface StatusInfo {
  label: string;
  final: boolean;
}

export const DEFAULT_STATUSES: Record<string, StatusInfo> = {
  '0': { label: '待处理', final: false },
  '1': { label: '处理中', final: false },
  '2': { label: '已回复', final: true },
  '3': { label: '已办结', final: true },
};

export const DEFAULT_CATEGORIES: Record<string, Category> = {
  咨询: '咨询',
  反映: '反映',
  投诉: '投诉',
  建议: '建议',
  求助: '求助',
  建言: '建议',
  建言献策: '建议',
  意见建议: '建议',
  投诉举报: '投诉',
  问题反映: '反映',
};

export const DEFAULTS = {
  schedule: '*/15 * * * *',
  minIntervalMs: 1000,
  apiKeyHeader: 'Authorization',
  listPath: '/export/v1/messages',
  detailPath: '/export/v1/messages/{id}',
  cursorParam: 'cursor',
  limitParam: 'limit',
  pageSize: 50,
  detailForEachItem: false,
  skipModeration: ['pending', 'rejected'],
  publicByDefault: false,
  attachmentsInContent: true,
} as const;

export interface AppConfig {
  baseUrl: string;
  apiKey?: string;
  apiKeyHeader: string;
  listPath: string;
  detailPath: string;
  cursorParam: string;
  limitParam: string;
  pageSize: number;
  detailForEachItem: boolean;
  /** Every hub field, '' when not mapped. */
  fields: FieldMap;
  statuses: ReadonlyMap<string, StatusInfo>;
  skipModeration: ReadonlySet<string>;
  categories: ReadonlyMap<string, Category>;
  publicByDefault: boolean;
  attachmentsInContent: boolean;
}

export interface ConfigProblem {
  /** e.g. `config.fields.title` */
  field: string;
  message: string;
}

export type ConfigResult = { ok: true; config: AppConfig } | { ok: false; problems: ConfigProblem[] };

const PATH = /^[^.\s]+(\.[^.\s]+)*$/;

/**
 * Reads the channel configuration with its defaults. `forPull` also requires `baseUrl`
 * (the mapper does not need it).
 */
export function readConfig(raw: Record<string, unknown> | undefined, forPull: boolean): ConfigResult {
  const cfg = raw ?? {};
  const problems: ConfigProblem[] = [];
  const bad = (field: string, message: string) => problems.push({ field: `config.${field}`, message });
  const has = (key: string) => cfg[key] !== undefined && cfg[key] !== null;

  const str = (key: keyof typeof DEFAULTS | 'baseUrl' | 'apiKey', fallback: string): string => {
    if (!has(key)) return fallback;
    const v = cfg[key];
    if (typeof v !== 'string') {
      bad(key, `${key} must be a string`);
      return fallback;
    }
    return v.trim();
  };
  const bool = (key: keyof typeof DEFAULTS, fallback: boolean): boolean => {
    if (!has(key)) return fallback;
    if (typeof cfg[key] !== 'boolean') bad(key, `${key} must be true or false`);
    return cfg[key] === true;
  };

  const baseUrl = str('baseUrl', '').replace(/\/+$/, '');
  if (forPull) {
    if (baseUrl === '') bad('baseUrl', 'baseUrl is required: the address of the station\'s export API');
    else if (!/^https?:\/\/[^\s/]+/i.test(baseUrl)) bad('baseUrl', 'baseUrl must be an http(s) URL');
  }
  const apiKey = str('apiKey', '') || undefined;
  const apiKeyHeader = str('apiKeyHeader', DEFAULTS.apiKeyHeader);
  if (!/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(apiKeyHeader)) bad('apiKeyHeader', 'apiKeyHeader must be an HTTP header name');
  const listPath = str('listPath', DEFAULTS.listPath);
  const detailPath = str('detailPath', DEFAULTS.detailPath);
  if (!detailPath.includes('{id}')) bad('detailPath', 'detailPath must contain {id}');
  const cursorParam = str('cursorParam', DEFAULTS.cursorParam);
  const limitParam = str('limitParam', DEFAULTS.limitParam);
  if (cursorParam === '') bad('cursorParam', 'cursorParam must not be empty');

  let pageSize: number = DEFAULTS.pageSize;
  if (has('pageSize')) {
    const v = cfg.pageSize;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 500) bad('pageSize', 'pageSize must be an integer from 1 to 500');
    else pageSize = v;
  }

  const fields = { ...DEFAULT_FIELDS } as Record<FieldName, string | null>;
  if (has('fields')) {
    if (!isRecord(cfg.fields)) bad('fields', 'fields must be an object of hub field → upstream path');
    else {
      for (const [key, path] of Object.entries(cfg.fields)) {
        if (!Object.prototype.hasOwnProperty.call(DEFAULT_FIELDS, key)) {
          bad(`fields.${key}`, `unknown hub field '${key}'; known: ${Object.keys(DEFAULT_FIELDS).join(', ')}`);
        } else if (path !== null && typeof path !== 'string') {
          bad(`fields.${key}`, `fields.${key} must be a path string, or null to leave it unmapped`);
        } else if (typeof path === 'string' && path.trim() !== '' && !PATH.test(path.trim())) {
          bad(`fields.${key}`, `fields.${key} '${path}' is not a dotted path (e.g. data.user.mobile)`);
        } else {
          fields[key as FieldName] = path === null ? null : path.trim();
        }
      }
    }
  }
  const resolved = Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, v ?? ''])) as FieldMap;
  for (const required of ['id', 'content', 'status', 'itemsPath'] as const) {
    if (resolved[required] === '') bad(`fields.${required}`, `fields.${required} must be mapped`);
  }

  const statuses = new Map<string, StatusInfo>();
  const statusSource = has('statuses') ? cfg.statuses : DEFAULT_STATUSES;
  if (!isRecord(statusSource) || Object.keys(statusSource).length === 0) {
    bad('statuses', 'statuses must be an object of upstream status code → {label, final}');
  } else {
    for (const [code, info] of Object.entries(statusSource)) {
      if (!isRecord(info) || typeof info.label !== 'string' || info.label.trim() === '' || typeof info.final !== 'boolean') {
        bad(`statuses.${code}`, `statuses.${code} must be {label: string, final: boolean}`);
      } else {
        statuses.set(code.trim(), { label: info.label.trim(), final: info.final });
      }
    }
  }

  let skipModeration: string[] = [...DEFAULTS.skipModeration];
  if (has('skipModeration')) {
    const v = cfg.skipModeration;
    if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) bad('skipModeration', 'skipModeration must be a list of strings');
    else skipModeration = v.map((x: string) => x.trim());
  }

  const categories = new Map<string, Category>();
  const categorySource = has('categories') ? cfg.categories : DEFAULT_CATEGORIES;
  if (!isRecord(categorySource)) bad('categories', 'categories must be an object of upstream text → category');
  else {
    for (const [text, category] of Object.entries(categorySource)) {
      if (typeof category !== 'string' || !(CATEGORIES as readonly string[]).includes(category)) {
        bad(`categories.${text}`, `categories.${text} must be one of ${CATEGORIES.join(' ')}`);
      } else {
        categories.set(text.trim(), category as Category);
      }
    }
  }

  const config: AppConfig = {
    baseUrl,
    apiKey,
    apiKeyHeader,
    listPath,
    detailPath,
    cursorParam,
    limitParam,
    pageSize,
    detailForEachItem: bool('detailForEachItem', DEFAULTS.detailForEachItem),
    fields: resolved,
    statuses,
    skipModeration: new Set(skipModeration),
    categories,
    publicByDefault: bool('publicByDefault', DEFAULTS.publicByDefault),
    attachmentsInContent: bool('attachmentsInContent', DEFAULTS.attachmentsInContent),
  };
  return problems.length > 0 ? { ok: false, problems } : { ok: true, config };
}

/** Where a hub field is read from, for messages: `'body.text' (fields.content)`. */
export function source(config: AppConfig, field: FieldName): string {
  return `'${config.fields[field]}' (config fields.${field})`;
}
