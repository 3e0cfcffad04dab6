import { Status, rendezvous, wakuV0 } from '@rendezvous/codec'
import { expect } from 'aegir/chai'
import { CookieJar } from '../src/cookie-jar.ts'
import { RendezvousStatusError } from '../src/errors.ts'
import { parsePoint } from '../src/point.ts'
import type { Page, PageFetcher } from '../src/cookie-jar.ts'
import type { DiscoveredRegistration } from '../src/verify.ts'

const POINT = '/ip4/127.0.0.1/tcp/1/p2p/12D3KooWJ1TsijH7H5F74hfAD5XishQz3sxrmAtVY37GtNd9CqYf'

/** Stands for a verified registration: the jar only passes them on */
function registration (n: number): DiscoveredRegistration {
  return { namespace: `r${n}` } as unknown as DiscoveredRegistration
}

/**
 * A point holding `count` registrations that serves them `cap` per page, the cookie being the position; it
 * notes the cookie of each request and refuses each cookie in `forgotten` once (issued before a restart:
 * the cookies it issues afterwards it knows)
 */
function pagedPoint (count: number, cap: number, forgotten: number[] = []): { fetch: PageFetcher, asked: Array<number | undefined> } {
  const asked: Array<number | undefined> = []
  const fetch: PageFetcher = async ({ cookie }) => {
    const from = cookie?.[0]
    asked.push(from)
    if (from != null && forgotten.includes(from)) {
      forgotten.splice(forgotten.indexOf(from), 1)
      throw new RendezvousStatusError(Status.E_INVALID_COOKIE, 'unknown cookie')
    }
    const start = from ?? 0
    const end = Math.min(count, start + cap)
    const page: Page = { registrations: Array.from({ length: end - start }, (_, i) => registration(start + i)), cookie: Uint8Array.from([end]), received: end - start }
    return page
  }
  return { fetch, asked }
}

async function collect (iterable: AsyncIterable<DiscoveredRegistration>): Promise<string[]> {
  const seen: string[] = []
  for await (const r of iterable) {
    seen.push(r.namespace)
  }
  return seen
}

describe('the cookie jar pages with cookies and resumes per point and namespace', () => {
  const point = parsePoint({ address: POINT, dialect: rendezvous })

  it('pages until an empty page, and resumes after the last cookie of the same namespace only', async () => {
    const jar = new CookieJar()
    const { fetch, asked } = pagedPoint(5, 2)
    expect(await collect(jar.pages(point, 'a', { limit: 10, resume: false }, fetch))).to.deep.equal(['r0', 'r1', 'r2', 'r3', 'r4'])
    expect(asked).to.deep.equal([undefined, 2, 4, 5])

    asked.length = 0
    expect(await collect(jar.pages(point, 'a', { limit: 10, resume: true }, fetch))).to.deep.equal([])
    expect(asked).to.deep.equal([5])

    asked.length = 0
    expect(await collect(jar.pages(point, 'b', { limit: 10, resume: true }, fetch))).to.have.lengthOf(5)
    expect(asked[0]).to.equal(undefined)
  })

  it('starts over when the point forgot the cookie (E_INVALID_COOKIE), and throws any other status', async () => {
    const jar = new CookieJar()
    const first = pagedPoint(3, 3)
    await collect(jar.pages(point, 'a', { limit: 10, resume: false }, first.fetch))
    const restarted = pagedPoint(3, 3, [3])
    expect(await collect(jar.pages(point, 'a', { limit: 10, resume: true }, restarted.fetch))).to.deep.equal(['r0', 'r1', 'r2'])
    expect(restarted.asked).to.deep.equal([3, undefined, 3])

    const refusing: PageFetcher = async () => { throw new RendezvousStatusError(Status.E_UNAVAILABLE, 'busy') }
    await expect(collect(jar.pages(point, 'a', { limit: 10, resume: true }, refusing))).to.eventually.be.rejected.with.property('statusName', 'E_UNAVAILABLE')
  })

  it('asks a point without cookies (0.0.1) once', async () => {
    const jar = new CookieJar()
    const legacy = parsePoint({ address: POINT, dialect: wakuV0 })
    const { fetch, asked } = pagedPoint(5, 2)
    expect(await collect(jar.pages(legacy, 'a', { limit: 10, resume: false }, fetch))).to.deep.equal(['r0', 'r1'])
    expect(asked).to.deep.equal([undefined])
  })
})
