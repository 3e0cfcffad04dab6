import { readmeExamples, runExample } from '@rendezvous/test-utils'
import { expect } from 'aegir/chai'

const packageDir = new URL('../', import.meta.url)
const examples = (await readmeExamples(new URL('../README.md', import.meta.url))).filter(example => example.notRun == null)

describe('the README example runs', function () {
  this.timeout(60_000)

  it('the README has one example that runs', () => {
    expect(examples).to.have.lengthOf(1)
  })

  for (const example of examples) {
    it(`the example at line ${example.line} runs unchanged: a point on loopback, then what its comments say`, async () => {
      const { printed } = await runExample(example, { packageDir })
      // the one line without a comment: the address, whose port and peer ID differ on every run
      const [addresses, ...rest] = printed
      expect(addresses.args).to.have.lengthOf(1)
      const [address] = addresses.args[0] as string[]
      expect(address).to.match(/^\/ip4\/127\.0\.0\.1\/tcp\/\d+\/p2p\/12D3KooW\w+$/)
      expect(rest.map(line => line.text)).to.deep.equal(example.commented)
    })
  }
})
