import { expect } from 'aegir/chai'
import { ChromiumMissingError, launchChromium } from '../src/index.ts'

describe('without Chromium the browser tests fail, naming the script that installs it', () => {
  it('rejects with ChromiumMissingError that names .ci/chromium.sh', async () => {
    await expect(launchChromium({ executablePath: '/nonexistent/chromium' })).to.eventually.be.rejected
      .with.property('name', 'ChromiumMissingError')
    await expect(launchChromium({ executablePath: '/nonexistent/chromium' })).to.eventually.be.rejectedWith(ChromiumMissingError, /\.ci\/chromium\.sh/)
  })
})
