import { check } from '../../case.ts'
import { registerTwo } from '../openings.ts'
import { expectDiscovered, expectRegistered } from './attempt.ts'
import type { Case } from '../../case.ts'

/** A in one namespace, B in another; a DISCOVER without a namespace finds both, each under its own */
export const discoverAllNamespaces: Case = {
  id: 'v1-discover-all',
  title: 'discover all namespaces',
  async run (ctx) {
    const { a, b, c, registered: [ra, rb] } = await registerTwo(ctx, ['v1-all-a', 'v1-all-b'], 7200)
    expectRegistered(ra, 'A')
    expectRegistered(rb, 'B')
    const [all] = await c.run([{ op: 'discover', limit: 100 }], ctx)
    const found = expectDiscovered(all, 'DISCOVER of every namespace')
    const nsOf = (peerId: string): string[] => found.filter(r => r.peerId === peerId).map(r => r.ns)
    check(nsOf(a.peerId).length === 1 && nsOf(b.peerId).length === 1, `A found ${nsOf(a.peerId).length} times, B ${nsOf(b.peerId).length} times`)
    if (ctx.server.implementation.serverDeviations.has('discover-all-ns-aliased')) {
      const last = found[found.length - 1].ns
      check(found.every(r => r.ns === last), `namespaces [${found.map(r => r.ns).join(', ')}]: the documented aliasing to the last one was not observed`)
      return { verdict: 'deviation', detail: `A and B found, every registration under "${last}" (the answer's last namespace)` }
    }
    check(nsOf(a.peerId).join() === 'v1-all-a', `A found under [${nsOf(a.peerId).join(', ')}], expected v1-all-a`)
    check(nsOf(b.peerId).join() === 'v1-all-b', `B found under [${nsOf(b.peerId).join(', ')}], expected v1-all-b`)
    return { verdict: 'pass', detail: `${found.length} registrations: A under v1-all-a, B under v1-all-b` }
  }
}
