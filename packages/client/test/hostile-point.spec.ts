import { Status, rendezvous, wakuV0 } from '@rendezvous/codec'
import { ManualTimers, waitForEvent } from '@rendezvous/test-utils'
import { expect } from 'aegir/chai'
import { RendezvousProtocolError, RendezvousStatusError, RendezvousTimeoutError, rendezvousClient } from '../src/index.ts'
import { createNode, stopAll } from './fixtures/nodes.ts'
import { forgedRecord, recordOfAnotherPeer, undecodableEnvelope, validRecord } from './fixtures/records.ts'
import { createScriptedPoint } from './fixtures/scripted-point.ts'
import type { Reply, ScriptedPoint } from './fixtures/scripted-point.ts'
import type { RendezvousClient } from '../src/index.ts'
import type { Identify } from '@libp2p/identify'
import type { Connection, Stream } from '@libp2p/interface'
import type { RendezvousMessage } from '@rendezvous/codec'

const ns = 'hostile'

function discoverResponse (registrations: Array<{ ns?: string, signedPeerRecord: Uint8Array, ttl?: number }>, cookie?: Uint8Array): Reply {
  return {
    message: {
      type: 'DISCOVER_RESPONSE',
      status: Status.OK,
      statusText: '',
      registrations: registrations.map(r => ({ ns: r.ns ?? ns, signedPeerRecord: r.signedPeerRecord, ttl: r.ttl ?? 60 })),
      cookie
    }
  }
}

describe('a client facing a hostile rendezvous point', function () {
  this.timeout(20_000)
  let point: ScriptedPoint
  let client: RendezvousClient

  async function setup (respond: (request: RendezvousMessage) => Reply | undefined, init: Record<string, any> = {}): Promise<void> {
    point = await createScriptedPoint(respond)
    const node = await createNode({ rendezvous: rendezvousClient({ points: [point.address], timeout: 1000, ...init }) })
    client = node.services.rendezvous
  }

  afterEach(async () => {
    await stopAll()
  })

  it('returns verified registrations and drops a forged record, a record of another peer and an undecodable envelope', async () => {
    const good = await validRecord()
    const forged = await forgedRecord()
    const other = await recordOfAnotherPeer()
    await setup(() => discoverResponse([
      { signedPeerRecord: forged.bytes },
      { signedPeerRecord: good.bytes },
      { signedPeerRecord: other.bytes },
      { signedPeerRecord: undecodableEnvelope() }
    ], Uint8Array.from([1, 2, 3])))

    const result = await client.discover(ns)
    expect(result.registrations.map(r => r.peerId.toString())).to.deep.equal([good.peerId.toString()])
    expect(result.registrations[0].multiaddrs.map(a => a.toString())).to.deep.equal(['/ip4/127.0.0.1/tcp/4001'])
    expect(result.registrations[0].ttl).to.equal(60)
    expect(result.registrations[0].namespace).to.equal(ns)
    expect(result.cookie).to.deep.equal(Uint8Array.from([1, 2, 3]))
    expect(client.stats().droppedRecords).to.equal(3)
    expect(client.stats().droppedRecordsByReason).to.deep.equal({ InvalidSignatureError: 1, KeyMismatchError: 1, InvalidEnvelopeError: 1 })
  })

  it('drops a registration the point files under another namespace', async () => {
    const good = await validRecord()
    const smuggled = await validRecord(4003)
    await setup(() => discoverResponse([{ signedPeerRecord: good.bytes }, { ns: 'other', signedPeerRecord: smuggled.bytes }]))

    const result = await client.discover(ns)
    expect(result.registrations.map(r => r.peerId.toString())).to.deep.equal([good.peerId.toString()])
    expect(client.stats().droppedRecordsByReason).to.deep.equal({ NamespaceMismatch: 1 })
  })

  it('accepts a missing cookie, an empty ns and a missing ttl, as Go points send them', async () => {
    const good = await validRecord()
    await setup(() => ({
      message: { type: 'DISCOVER_RESPONSE', status: Status.OK, statusText: '', registrations: [{ ns: '', signedPeerRecord: good.bytes }] }
    }))

    const result = await client.discover(ns)
    expect(result.cookie).to.equal(undefined)
    expect(result.registrations).to.have.lengthOf(1)
    expect(result.registrations[0].namespace).to.equal(ns)
    expect(result.registrations[0].ttl).to.equal(undefined)
    expect(client.stats().droppedRecords).to.equal(0)
  })

  it('treats E_INVALID_NAMESPACE on DISCOVER as no peers', async () => {
    await setup(() => ({ message: { type: 'DISCOVER_RESPONSE', status: Status.E_INVALID_NAMESPACE, statusText: 'unknown namespace', registrations: [] } }))
    const result = await client.discover(ns)
    expect(result.registrations).to.deep.equal([])
  })

  it('turns another error status into a RendezvousStatusError with code, name and text', async () => {
    await setup(() => ({ message: { type: 'DISCOVER_RESPONSE', status: Status.E_UNAVAILABLE, statusText: 'busy', registrations: [] } }))
    const err = await client.discover(ns).then(() => undefined, (err: any) => err)
    expect(err).to.be.instanceOf(RendezvousStatusError)
    expect(err).to.include({ status: 400, statusName: 'E_UNAVAILABLE', statusText: 'busy' })
  })

  it('counts a frame over the size limit as a protocol error, and keeps working', async () => {
    const big = await validRecord()
    let hostile = true
    await setup(() => hostile
      ? discoverResponse(Array.from({ length: 20 }, () => ({ signedPeerRecord: big.bytes })))
      : discoverResponse([{ signedPeerRecord: big.bytes }]), { maxResponseBytes: 1024 })

    const err = await client.discover(ns).then(() => undefined, (err: any) => err)
    expect(err).to.be.instanceOf(RendezvousProtocolError)
    expect(err.cause).to.have.property('name', 'FrameTooLargeError')
    expect(client.stats().droppedResponses).to.equal(1)

    hostile = false
    const result = await client.discover(ns)
    expect(result.registrations).to.have.lengthOf(1)
  })

  it('rejects a length prefix announcing gigabytes before buffering anything', async () => {
    await setup(() => ({ bytes: Uint8Array.from([0x80, 0x80, 0x80, 0x80, 0x04]) }))
    const err = await client.discover(ns).then(() => undefined, (err: any) => err)
    expect(err).to.be.instanceOf(RendezvousProtocolError)
    expect(err.cause).to.have.property('name', 'FrameTooLargeError')
  })

  it('turns garbage into a protocol error', async () => {
    await setup(() => ({ bytes: Uint8Array.from([0x04, 0xff, 0xff, 0xff, 0xff]) }))
    const err = await client.discover(ns).then(() => undefined, (err: any) => err)
    expect(err).to.be.instanceOf(RendezvousProtocolError)
    expect(client.stats().droppedResponses).to.equal(1)
  })

  it('turns a response of the wrong type into a protocol error', async () => {
    await setup(() => ({ message: { type: 'REGISTER_RESPONSE', status: Status.OK, statusText: '', ttl: 10 } }))
    const err = await client.discover(ns).then(() => undefined, (err: any) => err)
    expect(err).to.be.instanceOf(RendezvousProtocolError)
  })

  it('turns a point that closes without answering into a protocol error', async () => {
    await setup(() => ({ close: true }))
    const err = await client.discover(ns).then(() => undefined, (err: any) => err)
    expect(err).to.be.instanceOf(RendezvousProtocolError)
  })

  it('turns a point that never answers into a timeout error when the request timeout runs out', async () => {
    const clock = new ManualTimers()
    await setup(() => ({ silence: true }), { timeout: 300, timers: clock, clock: clock.clock })
    const arrived = waitForEvent(point.events, 'request')
    const discovering = client.discover(ns)
    await arrived
    clock.advance(300)
    const err = await discovering.then(() => undefined, (err: any) => err)
    expect(err).to.be.instanceOf(RendezvousTimeoutError)
    expect(err.message).to.include('within 300 ms')
    expect(client.stats().failedRequests).to.equal(1)
  })

  it('honours the caller\'s abort signal', async () => {
    await setup(() => ({ silence: true }))
    const controller = new AbortController()
    const arrived = waitForEvent(point.events, 'request')
    const discovering = client.discover(ns, { signal: controller.signal })
    await arrived
    controller.abort(new Error('the caller gave up'))
    await expect(discovering).to.eventually.be.rejectedWith('the caller gave up')
  })

  it('takes an answer followed by a reset as success, as go-libp2p points end every exchange', async () => {
    const good = await validRecord()
    await setup(request => request.type === 'REGISTER'
      ? { message: { type: 'REGISTER_RESPONSE', status: Status.OK, statusText: '', ttl: 60 }, reset: true }
      : { ...discoverResponse([{ signedPeerRecord: good.bytes }]), reset: true })

    const [outcome] = await client.register(ns)
    expect(outcome.error).to.equal(undefined)
    expect(outcome.ttl).to.equal(60)
    const result = await client.discover(ns)
    expect(result.registrations).to.have.lengthOf(1)
    expect(client.stats().failedRequests).to.equal(0)
  })

  it('keeps the write side open until the answer is read', async () => {
    const observed: boolean[] = []
    point = await createScriptedPoint(() => undefined)
    await point.node.unhandle(rendezvous.protocol)
    await point.node.handle(rendezvous.protocol, async (stream, connection) => { answerAfterRoundTripThenReset(stream, connection, point.node.services.identify, observed) })
    const node = await createNode({ rendezvous: rendezvousClient({ points: [point.address] }) })
    const result = await node.services.rendezvous.discover(ns)
    expect(result.registrations).to.deep.equal([])
    expect(observed).to.deep.equal([false])
  })

  it('pages to the end with a point that caps pages below the limit asked for', async () => {
    const records = await Promise.all(Array.from({ length: 5 }, async (_, i) => validRecord(5000 + i)))
    await setup(request => {
      if (request.type !== 'DISCOVER') {
        return undefined
      }
      const from = request.cookie?.[0] ?? 0
      const page = records.slice(from, from + 2)
      return discoverResponse(page.map(r => ({ signedPeerRecord: r.bytes })), Uint8Array.from([from + page.length]))
    })
    const seen: string[] = []
    for await (const registration of client.discoverAll(ns, { limit: 1000 })) {
      seen.push(registration.peerId.toString())
    }
    expect(seen).to.deep.equal(records.map(r => r.peerId.toString()))
    expect(point.requests).to.have.lengthOf(4)
  })

  it('stops paging when a point hands back the cookie it was given', async () => {
    const good = await validRecord()
    await setup(() => discoverResponse([{ signedPeerRecord: good.bytes }], Uint8Array.from([7])))
    let count = 0
    for await (const registration of client.discoverAll(ns)) {
      expect(registration.peerId.equals(good.peerId)).to.equal(true)
      count++
    }
    expect(count).to.equal(2)
    expect(point.requests).to.have.lengthOf(2)
  })

  it('negotiates the wakuV0 dialect with a point that speaks only /vac/waku/rendezvous/0.0.1, and sends no cookie there', async () => {
    const good = await validRecord()
    point = await createScriptedPoint(() => ({
      message: { type: 'DISCOVER_RESPONSE', status: Status.OK, statusText: '', registrations: [{ ns: '', signedPeerRecord: good.bytes }] }
    }), [wakuV0])
    const node = await createNode({ rendezvous: rendezvousClient({ points: [point.address] }) })
    const result = await node.services.rendezvous.discover(ns, { cookie: Uint8Array.from([9]) })
    expect(result.protocol).to.equal(wakuV0.protocol)
    expect(result.registrations).to.have.lengthOf(1)
    expect(point.requests).to.deep.equal([{ type: 'DISCOVER', ns, limit: 0 }])
  })
})

/**
 * A point that answers only after a round trip to the client on the same connection (an identify): yamux
 * delivers frames in order, so a client that closed its write side before reading would have had that close
 * arrive before the round trip ends. It notes whether it did, answers and resets.
 */
function answerAfterRoundTripThenReset (stream: Stream, connection: Connection, identify: Identify, writeClosedBeforeAnswer: boolean[]): void {
  stream.addEventListener('message', () => {
    void identify.identify(connection).then(() => {
      writeClosedBeforeAnswer.push(stream.remoteWriteStatus === 'closed')
      stream.send(encodeResponse())
      stream.abort(new Error('reset'))
    })
  }, { once: true })
}

function encodeResponse (): Uint8Array {
  const body = rendezvous.encode({ type: 'DISCOVER_RESPONSE', status: Status.OK, statusText: '', registrations: [] })
  return Uint8Array.from([body.length, ...body])
}
