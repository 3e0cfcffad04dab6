import { check } from '../../case.ts'
import { expectDiscovered, expectRegistered } from './attempt.ts'
import type { Case } from '../../case.ts'

const PEERS = 5
const LIMIT = 2

/**
 * 5 peers register; one DISCOVER pages through them with limit 2, each page resumed with the previous
 * page's cookie: 2, 2, 1, then an empty page. Every peer exactly once.
 */
export const cookiePaging: Case = {
  id: 'v1-cookie-paging',
  title: `cookie paging (${PEERS} peers, limit ${LIMIT}): every peer once, then empty`,
  async run (ctx) {
    const registrants = await Promise.all(Array.from({ length: PEERS }, async () => ctx.newClient()))
    const results = await Promise.all(registrants.map(async r => r.run([{ op: 'register', ns: 'v1-paging', ttl: 7200 }], ctx)))
    results.forEach(([result], i) => { expectRegistered(result, `registrant ${i + 1}`) })
    const ids = new Set(registrants.map(r => r.peerId))

    const discoverer = await ctx.newClient()
    const pages = await discoverer.run([
      { op: 'discover', ns: 'v1-paging', limit: LIMIT },
      { op: 'discover', ns: 'v1-paging', limit: LIMIT, cookie: 'last' },
      { op: 'discover', ns: 'v1-paging', limit: LIMIT, cookie: 'last' },
      { op: 'discover', ns: 'v1-paging', limit: LIMIT, cookie: 'last' }
    ], ctx)
    const found = pages.map((page, i) => expectDiscovered(page, `page ${i + 1}`).map(r => r.peerId))
    const sizes = found.map(p => p.length)
    check(sizes.join(',') === '2,2,1,0', `pages of ${sizes.join(', ')}, expected 2, 2, 1, 0`)
    const seen = found.flat()
    check(new Set(seen).size === seen.length, `a peer came back twice: ${seen.join(', ')}`)
    check(seen.every(id => ids.has(id)) && seen.length === PEERS, 'the pages are not exactly the registrants')
    const cookies = pages.map(p => p.cookie ?? '')
    check(cookies.slice(0, 3).every(c => c !== ''), 'a page came without a cookie')
    // cookies are opaque to clients and every point shapes its own: the documented shape, every time
    const shape = ctx.server.implementation.cookieShape
    const lengths = [...new Set(cookies.filter(c => c !== '').map(c => c.length / 2))]
    if (shape != null) {
      check(lengths.every(l => l === shape.bytes('v1-paging')), `cookies of ${lengths.join('/')} bytes, the documented shape (${shape.describe}) has ${shape.bytes('v1-paging')}`)
    }
    return { verdict: 'pass', detail: `pages 2, 2, 1, 0; cookies of ${lengths.join('/')} bytes${shape == null ? '' : `: ${shape.describe}`}` }
  }
}
