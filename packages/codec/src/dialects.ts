import { UnknownDialectError } from './errors.ts'
import { rendezvous } from './rendezvous-dialect.ts'
import { wakuV0 } from './waku-v0-dialect.ts'
import { wakuV1 } from './waku-v1-dialect.ts'
import type { Dialect } from './dialect.ts'

/**
 * Every dialect this project speaks, in the order a client prefers them when a point speaks several: the
 * one list that the server, the client and the daemon read. Adding a dialect is a file and a line here.
 */
export const DIALECTS: readonly Dialect[] = Object.freeze([rendezvous, wakuV1, wakuV0])

/**
 * Look a dialect up by its name (`rendezvous/1.0.0`, `waku/1.0.0`, `waku/0.0.1`) or its protocol ID, or
 * pass a value through
 *
 * @throws {UnknownDialectError}
 */
export function dialect (nameOrProtocol: Dialect | string): Dialect {
  if (typeof nameOrProtocol !== 'string') {
    return nameOrProtocol
  }
  const found = DIALECTS.find(d => d.name === nameOrProtocol || d.protocol === nameOrProtocol)
  if (found == null) {
    throw new UnknownDialectError(`unknown rendezvous dialect "${nameOrProtocol}" (known: ${DIALECTS.map(d => `${d.name} = ${d.protocol}`).join(', ')})`)
  }
  return found
}
