import { expect } from 'aegir/chai'
import { readmeExamples, runAsCommented, runExample } from '../src/index.ts'

// @rendezvous/codec's README: its examples run here because the codec cannot depend on this package (this one
// depends on the codec); written into the codec's directory, they resolve their imports as a user's would
const packageDir = new URL('../../codec/', import.meta.url)
const examples = (await readmeExamples(new URL('README.md', packageDir))).filter(example => example.notRun == null)

describe('the examples of the codec\'s README run', function () {
  this.timeout(60_000)

  it('the usage example seals, frames, decodes and opens records in the three dialects as the README says', async () => {
    const [usage] = examples
    expect(usage.source).to.include("from '@rendezvous/codec'")
    const { printed, stderr } = await runExample(usage, { packageDir })
    expect(stderr, 'no warnings').to.equal('')
    const info = printed.map(line => line.args)
    expect(info).to.have.length(3)

    // the 0.0.1 REGISTER decoded, its standard record opened
    const [ns, format, peerId, multiaddrs] = info[0]
    expect([ns, format, multiaddrs]).to.deep.equal(['my-app', 'standard', ['/ip4/127.0.0.1/tcp/4001']])
    expect(peerId).to.be.a('string').and.match(/^12D3KooW/)

    // nwaku's dialect found by protocol ID, its WakuPeerRecord sealed with a sequence number in unix seconds
    const [name, wakuFormat, seq, sameMixKey] = info[1]
    expect([name, wakuFormat, sameMixKey]).to.deep.equal(['waku/1.0.0', 'waku', true])
    expect(seq).to.be.a('bigint')
    expect(Number(seq)).to.be.within(Math.floor(Date.now() / 1000) - 600, Math.ceil(Date.now() / 1000))

    // three frames: 0.0.1 leaves the REGISTER type (0) off the wire, 1.0.0 writes it
    const [v0, v1, nwaku] = info[2] as number[]
    expect(v1).to.be.greaterThan(v0)
    expect(nwaku).to.be.greaterThan(0)
  })

  it('the record format and registry examples print what their comments say', async () => {
    const commented = examples.slice(1)
    expect(commented).to.have.length(2)
    for (const example of commented) {
      await runAsCommented(example, { packageDir })
    }
  })
})
