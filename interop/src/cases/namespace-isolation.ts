import { check } from '../case.ts'
import { registerTwo } from './openings.ts'
import { expectDiscovered, expectRegistered } from './register-discover.ts'
import type { Case } from '../case.ts'

/** A registration is found under its own namespace only */
export const namespaceIsolation: Case = {
  id: 'namespace-isolation',
  title: 'namespace isolation',
  async run (ctx) {
    const { a, b, c, registered: [ra, rb] } = await registerTwo(ctx, ['iso-a', 'iso-b'], 20)
    expectRegistered(ra, 20, 'A in iso-a')
    expectRegistered(rb, 20, 'B in iso-b')
    const results = await c.run([
      { op: 'discover', ns: 'iso-a', limit: 10 },
      { op: 'discover', ns: 'iso-b', limit: 10 },
      { op: 'discover', ns: 'iso-c', limit: 10 }
    ], ctx)
    const [inA, inB, inC] = results.map((r, i) => expectDiscovered(r, `DISCOVER #${i + 1}`).map(reg => reg.peerId))
    check(inA.length === 1 && inA[0] === a.peerId, `iso-a holds [${inA.join(', ')}], expected only A`)
    check(inB.length === 1 && inB[0] === b.peerId, `iso-b holds [${inB.join(', ')}], expected only B`)
    check(inC.length === 0, `iso-c holds ${inC.length} registrations, expected none`)
    return { verdict: 'pass', detail: 'iso-a: A, iso-b: B, iso-c: none' }
  }
}
