/** Documented limits of a submission (characters, after cleaning). */
export const LIMITS = {
  title: 100,
  content: 5000,
  name: 50,
  email: 254,
  externalId: 128,
  derivedTitle: 30,
} as const;
