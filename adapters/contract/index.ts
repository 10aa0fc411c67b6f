/**
 * The adapter contract: what every channel adapter provides and what it produces.
 * Plain TypeScript; adapters import only this file.
 */

/** 留言类别: the five categories of the plan. */
export const CATEGORIES = ['咨询', '反映', '投诉', '建议', '求助'] as const;
export type Category = (typeof CATEGORIES)[number];

/** The citizen's personal data. Encrypted at rest, masked wherever shown. */
export interface CitizenContact {
  name?: string;
  phone?: string;
  email?: string;
  idNumber?: string;
}

/** A message as the hub understands it, whatever channel it came from. */
export interface NormalizedMessage {
  title: string;
  content: string;
  category?: Category;
  citizen: CitizenContact;
  isPublic: boolean;
  externalId?: string;
  /** ISO 8601 instant at which the citizen submitted it upstream, when known. */
  submittedAt?: string;
}

export interface FieldError {
  field: string;
  code: 'required' | 'type' | 'too_long' | 'invalid' | 'empty';
  message: string;
}

export type MapResult = { ok: true; message: NormalizedMessage } | { ok: false, errors: FieldError[] };

/** What a mapper knows besides the payload. */
export interface MapContext {
  channelId: string;
  /** The channel's adapter configuration (already validated against the manifest). */
  config: Record<string, unknown>;
}

export interface ConfigField {
  type: 'string' | 'boolean' | 'integer';
  description: string;
  default?: unknown;
  /** Never shown back once written (API keys, shared secrets). */
  secret?: boolean;
}

export interface AdapterManifest {
  /** Stable adapter name; the registry's `adapter` column points here. */
  name: string;
  kind: 'push' | 'pull' | 'push+pull';
  description: string;
  /** The configuration schema, field by field. */
  config: Record<string, ConfigField>;
}

export interface ChannelAdapter {
  manifest: AdapterManifest;
  /** Pure: the channel's raw payload to the hub's message, or the fields that are wrong. */
  map(raw: unknown, ctx: MapContext): MapResult;
}
