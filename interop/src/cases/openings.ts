import type { CaseContext } from '../case.ts'
import type { ClientOp, ClientOpResult, ClientPeer } from '../implementation.ts'

/** What {@link registerThenLook} did: the two clients and what each was answered */
export interface RegisteredAndLooked {
  a: ClientPeer
  b: ClientPeer
  /** A's results, one per op */
  registered: ClientOpResult[]
  /** B's DISCOVER of the namespace */
  discovered: ClientOpResult
}

/**
 * The opening of the rows where one peer registers and another finds it: two fresh clients of the pair; A
 * runs `ops` (its REGISTERs), then B discovers `ns` (limit 10). Each dialect's rows check the answers with
 * their own rules.
 */
export async function registerThenLook (ctx: CaseContext, ops: ClientOp[], ns: string): Promise<RegisteredAndLooked> {
  const [a, b] = await Promise.all([ctx.newClient(), ctx.newClient()])
  const registered = await a.run(ops, ctx)
  const [discovered] = await b.run([{ op: 'discover', ns, limit: 10 }], ctx)
  return { a, b, registered, discovered }
}

/** What {@link registerTwo} did: A and B registered, C is fresh */
export interface TwoRegistered {
  a: ClientPeer
  b: ClientPeer
  c: ClientPeer
  /** A's and B's REGISTER results */
  registered: [ClientOpResult, ClientOpResult]
}

/**
 * The opening of the rows about several namespaces: three fresh clients of the pair; A registers in
 * `nsA` and B in `nsB` at the same time, both with `ttl`; C is left to discover.
 */
export async function registerTwo (ctx: CaseContext, [nsA, nsB]: readonly [string, string], ttl: number): Promise<TwoRegistered> {
  const [a, b, c] = await Promise.all([ctx.newClient(), ctx.newClient(), ctx.newClient()])
  const [[ra], [rb]] = await Promise.all([
    a.run([{ op: 'register', ns: nsA, ttl }], ctx),
    b.run([{ op: 'register', ns: nsB, ttl }], ctx)
  ])
  return { a, b, c, registered: [ra, rb] }
}
