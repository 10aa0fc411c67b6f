import { BadRequestException } from '@nestjs/common';

/**
 * A free-text field of a request body (a reason, a reply, a case number): trimmed; 400 naming the
 * field when it is missing (if required), not a string, or longer than `max`.
 */
export function textField(body: Record<string, unknown>, field: string, max: number, required = true): string | undefined {
  const v = body[field];
  if (v === undefined || v === null || (typeof v === 'string' && v.trim() === '')) {
    if (required) throw new BadRequestException(`${field} is required`);
    return undefined;
  }
  if (typeof v !== 'string') throw new BadRequestException(`${field} must be a string`);
  if (v.length > max) throw new BadRequestException(`${field} must be at most ${max} characters`);
  return v.trim();
}
