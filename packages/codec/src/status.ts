/**
 * Response status codes. The numbers are shared by every dialect; only 103 (E_INVALID_COOKIE) is
 * missing from `/vac/waku/rendezvous/0.0.1`, and 101 is called E_INVALID_PEER_INFO there.
 */
export const Status = {
  OK: 0,
  E_INVALID_NAMESPACE: 100,
  E_INVALID_SIGNED_PEER_RECORD: 101,
  E_INVALID_TTL: 102,
  E_INVALID_COOKIE: 103,
  E_NOT_AUTHORIZED: 200,
  E_INTERNAL_ERROR: 300,
  E_UNAVAILABLE: 400
} as const

/** One of the status codes of {@link Status} */
export type StatusCode = typeof Status[keyof typeof Status]

const byCode = new Map<number, string>(Object.entries(Status).map(([name, code]) => [code, name]))

/** Whether a number is a status code that some dialect defines */
export function isStatusCode (code: number): code is StatusCode {
  return byCode.has(code)
}

/** The specification's name of a status code (`E_INVALID_TTL` for 102), or `UNKNOWN(n)` */
export function statusName (code: number): string {
  return byCode.get(code) ?? `UNKNOWN(${code})`
}
