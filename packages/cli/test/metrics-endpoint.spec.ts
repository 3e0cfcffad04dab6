import { expect } from 'aegir/chai'
import { LOOPBACK, spawnListening } from './fixtures/daemon-process.ts'
import { daemonSuite } from './fixtures/daemon-suite.ts'
import { rawClient } from './fixtures/raw-client.ts'

describe('rendezvous serve --metrics', function () {
  this.timeout(30_000)
  const suite = daemonSuite('cli-metrics')

  it('serves Prometheus text with the rendezvous and libp2p metrics at /metrics', async () => {
    const { ready } = await spawnListening(['serve', ...LOOPBACK, '--json', '--metrics', '127.0.0.1:0'], { cwd: suite.dir })
    expect(ready.metrics).to.match(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/)

    const client = await rawClient()
    suite.clients.push(client)
    expect(await client.register(ready.multiaddrs[0], 'metered')).to.include({ status: 0 })

    const response = await fetch(ready.metrics, { signal: AbortSignal.timeout(5000) })
    expect(response.status).to.equal(200)
    expect(response.headers.get('content-type')).to.match(/^text\/plain; version=0\.0\.4/)
    const text = await response.text()
    expect(text).to.match(/^# HELP rendezvous_server_registrations /m)
    expect(text).to.match(/^rendezvous_server_registrations(\{[^}]*\})? 1$/m)
    expect(text).to.match(/^# TYPE rendezvous_server_requests_total /m)
    expect(text).to.match(/^rendezvous_server_request_duration_seconds_bucket/m)
    expect(text).to.match(/^libp2p_/m)
    expect(text).to.match(/^nodejs_/m)

    // per namespace, with a bounded label set
    expect(text).to.match(/^rendezvous_namespace_registrations\{namespace="metered"\} 1$/m)
    expect(text).to.match(/^rendezvous_namespace_registrations\{namespace="\(other\)"\} 0$/m)
    expect(text).to.match(/^rendezvous_namespace_requests_total\{namespace="[^"]+",type="REGISTER",outcome="ok"\} 1$/m)

    const other = await fetch(ready.metrics.replace('/metrics', '/'), { signal: AbortSignal.timeout(5000) })
    expect(other.status).to.equal(404)
    const post = await fetch(ready.metrics, { method: 'POST', signal: AbortSignal.timeout(5000) })
    expect(post.status).to.equal(405)
  })

  it('labels the 20 largest namespaces and sums the rest under (other), however many namespaces peers invent', async () => {
    const { ready } = await spawnListening(['serve', ...LOOPBACK, '--json', '--store', 'memory', '--metrics', '127.0.0.1:0'], { cwd: suite.dir })
    const client = await rawClient()
    suite.clients.push(client)
    // 30 namespaces: the first 10 hold 2 registrations (a second peer), the other 20 one each
    const second = await rawClient()
    try {
      for (let i = 0; i < 30; i++) {
        expect(await client.register(ready.multiaddrs[0], `ns-${String(i).padStart(2, '0')}`)).to.include({ status: 0 })
        if (i < 10) {
          expect(await second.register(ready.multiaddrs[0], `ns-${String(i).padStart(2, '0')}`)).to.include({ status: 0 })
        }
      }
    } finally {
      await second.stop()
    }
    const text = await (await fetch(ready.metrics, { signal: AbortSignal.timeout(5000) })).text()
    const series = [...text.matchAll(/^rendezvous_namespace_registrations\{namespace="([^"]*)"\} (\d+)$/gm)].map(m => ({ namespace: m[1], value: Number(m[2]) }))
    expect(series).to.have.lengthOf(21)
    expect(series.filter(s => s.value === 2).map(s => s.namespace).sort()).to.deep.equal(Array.from({ length: 10 }, (_, i) => `ns-0${i}`))
    // of the 20 single ones, the first 10 by name are labelled, the last 10 summed
    expect(series.find(s => s.namespace === '(other)')?.value).to.equal(10)
    expect(series.reduce((sum, s) => sum + s.value, 0)).to.equal(40)
  })
})
