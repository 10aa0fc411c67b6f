/** How personal data looks to someone who does not need to see it. Pure functions. */
import { CitizenContact } from '../../adapters';

export function maskName(name: string): string {
  const chars = Array.from(name);
  if (chars.length <= 1) return '*';
  return chars[0] + '*'.repeat(Math.min(chars.length - 1, 3));
}

export function maskPhone(phone: string): string {
  return phone.length >= 7 ? phone.slice(0, 3) + '****' + phone.slice(-4) : '*'.repeat(phone.length);
}

export function maskEmail(email: string): string {
  const at = email.indexOf('@');
  if (at <= 0) return '***';
  return email[0] + '***' + email.slice(at);
}

export function maskIdNumber(id: string): string {
  return id.length > 8 ? id.slice(0, 4) + '*'.repeat(id.length - 8) + id.slice(-4) : '*'.repeat(id.length);
}

export function maskCitizen(c: CitizenContact): CitizenContact {
  return {
    name: c.name === undefined ? undefined : maskName(c.name),
    phone: c.phone === undefined ? undefined : maskPhone(c.phone),
    email: c.email === undefined ? undefined : maskEmail(c.email),
    idNumber: c.idNumber === undefined ? undefined : maskIdNumber(c.idNumber),
  };
}

// Mobile numbers, also written with +86 and with spaces or dashes between the digits.
const PHONE_IN_TEXT = /(?<!\d)(?:\+?86[\s-]?)?1[3-9]\d(?:[\s-]?\d){8}(?!\d)/g;
const ID_IN_TEXT = /(?<![\dA-Za-z])\d{17}[\dXx](?![\dA-Za-z])/g;
const EMAIL_IN_TEXT = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
const LANDLINE_IN_TEXT = /(?<!\d)(\(0\d{2,3}\)|0\d{2,3})([\s-]?)\d{7,8}(?!\d)/g;
const FULLWIDTH_DIGIT = /[０-９]/g;

/**
 * Removes phone numbers, ID numbers and emails that a citizen typed into free text, before the
 * text is shown publicly (query page, Open311, reports).
 */
export function redactText(text: string): string {
  return text
    .replace(FULLWIDTH_DIGIT, (d) => String(d.charCodeAt(0) - 0xff10))
    .replace(ID_IN_TEXT, (m) => maskIdNumber(m))
    .replace(PHONE_IN_TEXT, (m) => maskPhone(m.replace(/^\+?86/, '').replace(/\D/g, '')))
    .replace(LANDLINE_IN_TEXT, '$1$2****')
    .replace(EMAIL_IN_TEXT, (m) => maskEmail(m));
}

/**
 * Free text as someone who may not see the citizen's contact details gets it: typed phones, ID
 * numbers and emails masked (redactText), and the citizen's own name, wherever the text repeats
 * it, masked like the name field.
 */
export function redactCitizenText(text: string, citizenName?: string | null): string {
  const redacted = redactText(text);
  return citizenName && Array.from(citizenName).length >= 2 ? redacted.split(citizenName).join(maskName(citizenName)) : redacted;
}
