/**
 * Namespaces and peer IDs as PostgreSQL text. Text cannot hold NUL, and the interface accepts any
 * well-formed string, so NUL is written `\0` and a backslash `\\`. The mapping is one-to-one (after a
 * backslash comes only `0` or a backslash), so two strings are the same key exactly when their encodings
 * are; strings without either character, which is nearly all of them, are stored as they are.
 */
// eslint-disable-next-line no-control-regex
const NEEDS_ESCAPE = /[\\\u0000]/
// eslint-disable-next-line no-control-regex
const ESCAPABLE = /[\\\u0000]/g
const ESCAPED = /\\([\\0])/g

export function encodeKey (value: string): string {
  return NEEDS_ESCAPE.test(value) ? value.replace(ESCAPABLE, c => c === '\\' ? '\\\\' : '\\0') : value
}

export function decodeKey (stored: string): string {
  return stored.includes('\\') ? stored.replace(ESCAPED, (_, c: string) => c === '0' ? '\u0000' : '\\') : stored
}
