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
  /** A subject area as the channel names it (城建, 交通, 教育 ...), when it does. */
  domain?: string;
  citizen: CitizenContact;
  isPublic: boolean;
  externalId?: string;
  /** ISO 8601 instant at which the citizen submitted it upstream, when known. */
  submittedAt?: string;
  /** For messages pulled from a channel that keeps its own handling: what it shows now. */
  upstream?: UpstreamState;
}

/** A retained channel's own view of a message: its state and its official reply, which change later. */
export interface UpstreamState {
  /** The channel's state word, e.g. 待回复 / 办理中 / 已办理, or the app's mapped status. */
  state?: string;
  /** True when the channel considers the matter finished (no need to revisit it). */
  final: boolean;
  reply?: { content: string; organization?: string; at?: string };
  /** Where a citizen can read it upstream. */
  url?: string;
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
  /** How the payload reached the hub: pushed by a citizen or portal, pulled, or imported from an old board. */
  origin?: 'push' | 'pull' | 'import';
  /** The channel's adapter configuration (already validated against the manifest). */
  config: Record<string, unknown>;
}

export interface ConfigField {
  type: 'string' | 'boolean' | 'integer' | 'string[]' | 'object';
  description: string;
  default?: unknown;
  required?: boolean;
  /** For strings: allowed values, and the shortest accepted (secrets). */
  enum?: readonly string[];
  minLength?: number;
  /** For integers: bounds. */
  min?: number;
  max?: number;
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
  /**
   * Pure: the channel's raw payload to the hub's message, or the fields that are wrong.
   * For a pulled channel the raw payload is what its puller yields as `raw`.
   */
  map(raw: unknown, ctx: MapContext): MapResult;
  /** Pull-capable adapters (kind `pull` or `push+pull`) provide this. */
  puller?: Puller;
}

// ---------------------------------------------------------------------------------------------
// Pulling: the adapter knows the protocol (requests, signing, paging, shapes); the hub provides
// the HTTP port (pacing, retries, back-off, circuit), stores records and commits cursors.

/** Why a pull step failed. `transient` is retried by the hub; the others stop the pull with an alarm. */
export type AdapterErrorKind = 'transient' | 'auth' | 'shape' | 'config' | 'not_found';

export class AdapterError extends Error {
  constructor(
    readonly kind: AdapterErrorKind,
    message: string,
    /** Words an operator can act on (e.g. the upstream's SN0006 signature refusal). */
    readonly operatorHint?: string,
  ) {
    super(message);
    this.name = 'AdapterError';
  }
}

export interface HttpRequest {
  method: 'GET' | 'POST';
  url: string;
  headers?: Record<string, string>;
  /** A JSON body (sent with Content-Type: application/json). */
  json?: unknown;
  /** An urlencoded form body. */
  form?: Record<string, string>;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  /** The body as text in `charset` (default: from Content-Type, else UTF-8). */
  text(charset?: string): string;
  /** The body parsed as JSON whatever its Content-Type; throws AdapterError('shape') if it is not. */
  json(): unknown;
}

/**
 * The hub's HTTP client for one channel: one request at a time per host, at most one every
 * `minIntervalMs`, cookies kept per host, 403/429/5xx and timeouts retried with growing back-off;
 * after the retries it throws AdapterError('transient'). Any other status is returned.
 */
export interface HttpPort {
  request(req: HttpRequest): Promise<HttpResponse>;
}

export interface PullContext {
  http: HttpPort;
  /** The channel's configuration, validated against the manifest. */
  config: Record<string, unknown>;
  now(): Date;
}

/** Where to start: the committed cursor of the scope, or a backfill point. */
export interface PullStart {
  cursor: string | null;
  backfill?: { fromDate?: string; fromId?: string };
}

/** One batch of upstream records; `commit`, when set, is safe to store once the batch and all before it are. */
export interface PullBatch {
  records: { externalId: string; raw: unknown }[];
  commit?: string;
}

export interface Puller {
  /** The independent streams of the channel (the leaders' board's fids), each with its own cursor. */
  scopes(config: Record<string, unknown>): string[];
  /** Called once before a pull (e.g. load a page to get the WAF cookie). */
  warmUp?(ctx: PullContext): Promise<void>;
  /** New records of a scope since `start`, batch by batch. */
  pull(ctx: PullContext, scope: string, start: PullStart): AsyncIterable<PullBatch>;
  /** The current raw record for each id (to see later replies and state changes); missing ids are left out. */
  refresh(ctx: PullContext, externalIds: string[]): Promise<{ externalId: string; raw: unknown }[]>;
}
