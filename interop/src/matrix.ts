import { generateKeyPair } from '@libp2p/crypto/keys'
import type { Case, CaseContext, CaseOutcome, Pair } from './case.ts'
import type { ClientOptions, ClientPeer, Implementation, ServerHandle } from './implementation.ts'

/** A cell's verdict: the protocol's behaviour, a documented deviation observed as documented, or neither */
export type CellVerdict = 'pass' | 'deviation' | 'FAIL'

/** The result of one case for one pair */
export interface Cell {
  caseId: string
  caseTitle: string
  /** `client → server` */
  pair: string
  client: string
  server: string
  verdict: CellVerdict
  detail: string
  /** Wall-clock milliseconds, server start and cleanup included */
  ms: number
  data?: Record<string, unknown>
}

/** Options of {@link runMatrix} */
export interface MatrixOptions {
  pairs: readonly Pair[]
  cases: readonly Case[]
  /** Every implementation rows may bring in besides the pair's (default: the pairs' own) */
  implementations?: readonly Implementation[]
  /** Milliseconds one request may take (default 10 000) */
  opTimeout?: number
  /** Milliseconds one cell may take in all before it FAILs (default 60 000) */
  caseTimeout?: number
  /** Called after each cell, for progress output */
  onCell?(cell: Cell): void
}

/** The label of a pair in the matrix */
export function pairLabel (pair: Pair): string {
  return `${pair.client.name} → ${pair.server.name}`
}

async function bounded<T> (work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((resolve, reject) => {
    timer = setTimeout(() => { reject(new Error(`${what} took longer than ${ms} ms`)) }, ms)
  })
  try {
    return await Promise.race([work, timeout])
  } finally {
    clearTimeout(timer)
  }
}

/** Run one case for one pair on a fresh server, stopping everything it started whatever happens */
export async function runCell (testCase: Case, pair: Pair, options: { opTimeout: number, caseTimeout: number, implementations?: readonly Implementation[] }): Promise<Cell> {
  const started = Date.now()
  const clients: ClientPeer[] = []
  let server: ServerHandle | undefined
  // a case cut off by its bound may still be starting clients: those are stopped at once
  let finished = false
  let outcome: CaseOutcome | undefined
  let failure: string | undefined

  try {
    server = await bounded(pair.server.startServer(), 20_000, `starting the ${pair.server.name} server`)
    const running = server
    const ctx: CaseContext = {
      pair,
      dialect: pair.server.dialect,
      server: running,
      opTimeout: options.opTimeout,
      newKey: async () => generateKeyPair('Ed25519'),
      implementations: options.implementations ?? [...new Set([pair.client, pair.server])],
      newClient: async () => ctx.newClientOf(pair.client),
      newClientOf: async (implementation: Implementation, clientOptions?: ClientOptions) => {
        const client = await implementation.startClient(running, await generateKeyPair('Ed25519'), clientOptions)
        if (finished) {
          await client.stop()
          throw new Error('the cell is over')
        }
        clients.push(client)
        return client
      }
    }
    outcome = await bounded(testCase.run(ctx), options.caseTimeout, `case ${testCase.id}`)
  } catch (err: any) {
    failure = err.name === 'CaseFailure' ? err.message : `${err.name ?? 'Error'}: ${err.message}`
  } finally {
    finished = true
    await Promise.allSettled(clients.map(async c => bounded(c.stop(), 5_000, 'stopping a client')))
    if (server != null) {
      await bounded(server.stop(), 10_000, 'stopping the server').catch(() => {})
    }
  }

  return {
    caseId: testCase.id,
    caseTitle: testCase.title,
    pair: pairLabel(pair),
    client: pair.client.name,
    server: pair.server.name,
    verdict: failure != null || outcome == null ? 'FAIL' : outcome.verdict,
    detail: failure ?? outcome?.detail ?? '',
    ms: Date.now() - started,
    data: outcome?.data
  }
}

/** Every case for every pair, one cell at a time (the machine is small and the Go server's timing is tight) */
export async function runMatrix (options: MatrixOptions): Promise<Cell[]> {
  const cells: Cell[] = []
  const implementations = options.implementations ?? [...new Set(options.pairs.flatMap(p => [p.client, p.server]))]
  const cellOptions = { opTimeout: options.opTimeout ?? 10_000, caseTimeout: options.caseTimeout ?? 60_000, implementations }
  for (const pair of options.pairs) {
    if (pair.client.dialect.name !== pair.server.dialect.name) {
      throw new Error(`${pairLabel(pair)}: the client speaks ${pair.client.dialect.name}, the server ${pair.server.dialect.name}`)
    }
  }
  for (const testCase of options.cases) {
    for (const pair of options.pairs) {
      if (testCase.dialects != null && !testCase.dialects.includes(pair.server.dialect.name)) {
        continue
      }
      if (testCase.applies != null && !testCase.applies(pair, implementations)) {
        continue
      }
      const cell = await runCell(testCase, pair, cellOptions)
      cells.push(cell)
      options.onCell?.(cell)
    }
  }
  return cells
}
