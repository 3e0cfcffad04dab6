import { prometheusMetrics } from '@libp2p/prometheus-metrics'
import { rendezvous, Status, wakuV0 } from '@rendezvous/codec'
import { RawStream } from '@rendezvous/test-utils'
import { expect } from 'aegir/chai'
import { Registry } from 'prom-client'
import { startClient, startServer, stopAll } from './fixtures/nodes.ts'
import { TestStore } from './fixtures/test-store.ts'
import type { ClientNode, ServerNode } from './fixtures/nodes.ts'

describe('metrics', () => {
  let server: ServerNode | undefined
  let client: ClientNode

  afterEach(async () => {
    await stopAll(client?.node, server)
    server = undefined
  })

  it('exports live registrations, requests by dialect/type/status, latency and stream events through libp2p metrics', async () => {
    const registry = new Registry()
    const store = new TestStore()
    client = await startClient()
    server = await startServer({ store, streamTimeout: 100 }, {
      metricsFactory: prometheusMetrics({ registry, collectDefaultMetrics: false })
    })
    const addr = server.getMultiaddrs()[0]
    const w = await RawStream.open(client.node, addr, wakuV0)
    expect(await w.register({ ns: 'a', signedPeerRecord: await client.record() })).to.deep.include({ status: Status.OK })
    expect(await w.register({ ns: 'a', signedPeerRecord: await client.record(), ttl: 99 })).to.deep.include({ status: Status.E_INVALID_TTL })
    const r = await RawStream.open(client.node, addr, rendezvous)
    await r.discover({ ns: 'a', cookie: Uint8Array.from([9]) })
    const idle = await RawStream.open(client.node, addr, rendezvous)
    await idle.end()

    const text = await registry.metrics()
    expect(text).to.match(/^rendezvous_server_registrations 1$/m)
    expect(text).to.match(/^rendezvous_server_requests_total\{request="waku\/0.0.1 REGISTER OK"\} 1$/m)
    expect(text).to.match(/^rendezvous_server_requests_total\{request="waku\/0.0.1 REGISTER E_INVALID_TTL"\} 1$/m)
    expect(text).to.match(/^rendezvous_server_requests_total\{request="rendezvous\/1.0.0 DISCOVER E_INVALID_COOKIE"\} 1$/m)
    expect(text).to.match(/^rendezvous_server_request_duration_seconds_count\{request="waku\/0.0.1 REGISTER"\} 2$/m)
    expect(text).to.match(/^rendezvous_server_streams_total\{event="timeout"\} 1$/m)
    expect(text).to.match(/^rendezvous_server_streams_total\{event="opened"\} 3$/m)
  })
})
