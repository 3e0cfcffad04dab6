import { multiaddr } from '@multiformats/multiaddr'
import { encodeMessageFrame, rendezvous, Status, wakuV0, wakuV1 } from '@rendezvous/codec'
import { RawStream } from '@rendezvous/test-utils'
import { expect } from 'aegir/chai'
import { startScene } from './fixtures/scene.ts'
import type { ClientNode } from './fixtures/nodes.ts'
import type { ServedScene } from './fixtures/scene.ts'
import type { Dialect } from '@rendezvous/codec'

const ADDRESS = [multiaddr('/ip4/127.0.0.1/tcp/4001')]

/**
 * The server encodes a REGISTER OK frame once per dialect and TTL and sends the same bytes again while the
 * TTL stays the same (a refresh storm): every answer must still be the one its request gets, byte for byte
 */
describe('REGISTER answers carry the TTL each request is granted', () => {
  let scene: ServedScene
  let client: ClientNode

  beforeEach(async () => {
    scene = await startScene({ serve: { dialects: [rendezvous, wakuV0, wakuV1] }, clients: 1 })
    ;({ clients: [client] } = scene)
  })

  afterEach(async () => {
    await scene?.stop()
  })

  const cases: Array<{ dialect: Dialect, ttls: number[], format: 'standard' | 'waku' }> = [
    { dialect: rendezvous, ttls: [7200, 9000, 9000, 7200, 0], format: 'standard' },
    { dialect: wakuV0, ttls: [10, 20, 20, 10, 0], format: 'standard' },
    { dialect: wakuV1, ttls: [60, 3600, 3600, 60], format: 'waku' }
  ]

  cases.forEach(({ dialect, ttls, format }) => {
    it(`${dialect.name}: TTLs ${ttls.join(', ')} in turn, each answered with its own, byte for byte`, async () => {
      const record = await client.record(ADDRESS, format)
      let s: RawStream | undefined
      for (const ttl of ttls) {
        // one stream for dialects with several requests per stream, a stream each otherwise
        if (s == null || dialect.requestsPerStream === 'one') {
          s = await RawStream.open(client.node, scene.addr, dialect)
        }
        const granted = ttl === 0 ? dialect.ttl.default : ttl
        const response = await s.register({ ns: `ttl-${dialect.name}`, signedPeerRecord: record, ttl })
        expect(response).to.deep.include({ status: Status.OK, ttl: granted })
        expect(encodeMessageFrame(dialect, response)).to.deep.equal(encodeMessageFrame(dialect, { type: 'REGISTER_RESPONSE', status: Status.OK, statusText: '', ttl: granted }))
      }
      // a refusal between two answers of the same TTL does not change the second
      const refused = await RawStream.open(client.node, scene.addr, dialect)
      expect(await refused.register({ ns: '', signedPeerRecord: record, ttl: ttls[0] })).to.deep.include({ status: Status.E_INVALID_NAMESPACE })
      const again = await RawStream.open(client.node, scene.addr, dialect)
      expect(await again.register({ ns: `ttl-${dialect.name}`, signedPeerRecord: record, ttl: ttls[0] })).to.deep.include({ status: Status.OK, ttl: ttls[0] })
    })
  })
})
