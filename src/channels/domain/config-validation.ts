/**
 * A channel's adapter configuration checked against the adapter's manifest. Pure: returns the
 * configuration with defaults filled in, or the fields that are wrong, by name.
 */
import { CronTime } from 'cron';
import { AdapterManifest, ConfigField } from '../../../adapters';

function validCron(expr: string): boolean {
  try {
    new CronTime(expr, 'Asia/Shanghai');
    return true;
  } catch {
    return false;
  }
}

export interface ConfigProblem {
  field: string;
  message: string;
}

function checkField(name: string, spec: ConfigField, value: unknown): string | undefined {
  switch (spec.type) {
    case 'string':
      if (typeof value !== 'string') return 'must be a string';
      if (spec.required && value.trim() === '') return 'must not be empty';
      if (spec.enum && !spec.enum.includes(value)) return `must be one of ${spec.enum.join(', ')}`;
      if (spec.minLength !== undefined && value.length < spec.minLength) return `must be at least ${spec.minLength} characters`;
      if (name === 'baseUrl' && !/^https?:\/\/[^\s/]+(\/\S*)?$/.test(value)) return 'must be an http(s) URL';
      if (name === 'schedule' && !validCron(value)) return 'must be a cron expression (e.g. */30 * * * *)';
      return undefined;
    case 'boolean':
      return typeof value === 'boolean' ? undefined : 'must be true or false';
    case 'integer':
      if (typeof value !== 'number' || !Number.isInteger(value)) return 'must be an integer';
      if (spec.min !== undefined && value < spec.min) return `must be at least ${spec.min}`;
      if (spec.max !== undefined && value > spec.max) return `must be at most ${spec.max}`;
      return undefined;
    case 'string[]':
      if (!Array.isArray(value) || value.some((v) => typeof v !== 'string' || v === '')) return 'must be a list of non-empty strings';
      if (spec.required && value.length === 0) return 'must name at least one';
      return undefined;
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value) ? undefined : 'must be a mapping';
  }
}

export function validateConfig(
  manifest: AdapterManifest,
  config: Record<string, unknown>,
): { ok: true; value: Record<string, unknown> } | { ok: false; problems: ConfigProblem[] } {
  const problems: ConfigProblem[] = [];
  const value: Record<string, unknown> = {};
  for (const key of Object.keys(config)) {
    if (!Object.hasOwn(manifest.config, key)) problems.push({ field: key, message: `is not a setting of adapter ${manifest.name}` });
  }
  for (const [name, spec] of Object.entries(manifest.config)) {
    const given = Object.hasOwn(config, name) ? config[name] : undefined;
    if (given === undefined || given === null) {
      if (spec.required) problems.push({ field: name, message: 'is required' });
      else if (spec.default !== undefined) value[name] = structuredClone(spec.default);
      continue;
    }
    const problem = checkField(name, spec, given);
    if (problem) problems.push({ field: name, message: problem });
    else value[name] = given;
  }
  return problems.length ? { ok: false, problems } : { ok: true, value };
}

/** The manifest with secret values replaced, for showing a configuration back. */
export function redactSecrets(manifest: AdapterManifest, config: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(config)) out[k] = manifest.config[k]?.secret && v ? '********' : v;
  return out;
}
