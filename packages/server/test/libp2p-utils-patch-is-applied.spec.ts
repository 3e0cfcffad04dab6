import { realpathSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { expect } from 'aegir/chai'

/** What the readers hand a length decoder and give back: an array or a list of arrays (`Uint8ArrayList`) */
interface Bytes {
  byteLength: number
  subarray(start?: number, end?: number): Uint8Array
}

/**
 * The repository carries a patch of `@libp2p/utils` (patches/@libp2p__utils@7.4.1.patch, described in
 * docs/upstream.md): its length-prefixed readers no longer ask a length decoder to decode bytes it cannot,
 * which made Noise's decoder throw, and capture the stack of, a RangeError for every chunk a connection
 * read. These tests fail when the dependency changes under it: a new version must be checked against the
 * patch (dropped if upstream fixed it, ported otherwise), not silently run without it.
 */
describe('the @libp2p/utils patch', () => {
  // the copy Noise reads its transport messages with: pnpm links a package's dependencies beside it, in the
  // node_modules that holds it (the package's entry is dist/src/index.js: its root is three levels up)
  const noiseRoot = join(realpathSync(fileURLToPath(import.meta.resolve('@chainsafe/libp2p-noise'))), '../../..')
  const root = realpathSync(join(noiseRoot, '../../@libp2p/utils'))
  const load = async <T>(file: string): Promise<T> => import(pathToFileURL(join(root, 'dist/src', file)).href)

  /** A length decoder of two bytes, as Noise's, that counts the calls it could not answer */
  function uint16Decoder (): { decode: ((data: Bytes) => number) & { bytes: number }, refused(): number } {
    let refused = 0
    const decode = Object.assign((data: Bytes): number => {
      if (data.byteLength < 2) {
        refused++
        throw new RangeError('Could not decode int16BE')
      }
      const bytes = data.subarray(0, 2)
      return (bytes[0] << 8) + bytes[1]
    }, { bytes: 2 })
    return { decode, refused: () => refused }
  }

  it('applies to the @libp2p/utils version it was written for', async () => {
    const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8'))
    expect(pkg.version).to.equal('7.4.1', '@libp2p/utils changed: re-check patches/@libp2p__utils@7.4.1.patch against it (docs/upstream.md)')
  })

  it('reads whole messages without asking the length decoder about an empty buffer', async () => {
    const { LengthPrefixedDecoder } = await load<{ LengthPrefixedDecoder: new (init: object) => { decode(buf: Uint8Array): Iterable<Bytes> } }>('length-prefixed-decoder.js')
    const { decode, refused } = uint16Decoder()
    const decoder = new LengthPrefixedDecoder({ lengthDecoder: decode, encodingLength: () => 2 })
    // two whole messages in one chunk, then one in another: every call ends on a whole message
    const messages = [...decoder.decode(Uint8Array.from([0, 1, 7, 0, 2, 8, 9]))].concat([...decoder.decode(Uint8Array.from([0, 1, 6]))])
    expect(messages.map(m => [...m.subarray()])).to.deep.equal([[7], [8, 9], [6]])
    expect(refused()).to.equal(0)
    // a length cut short is still waited for, as before
    expect([...decoder.decode(Uint8Array.from([0]))]).to.deep.equal([])
    expect(refused()).to.equal(1)
    expect([...decoder.decode(Uint8Array.from([1, 5]))].map(m => [...m.subarray()])).to.deep.equal([[5]])
  })

  it('reads a fixed-size length from a stream without decoding fewer bytes than it has', async () => {
    const { lpStream } = await load<{ lpStream(stream: any, opts: object): { read(): Promise<Bytes> } }>('stream-utils.js')
    const { decode, refused } = uint16Decoder()
    // the least of a stream lpStream reads from: byteStream takes its bytes from 'message' events
    const events = new EventTarget()
    const stream = Object.assign(events, {
      readStatus: 'readable',
      log: Object.assign(() => {}, { error: () => {}, trace: () => {} }),
      pause: () => {},
      resume: () => {},
      push: () => {},
      send: () => true
    })
    const lp = lpStream(stream, { lengthDecoder: decode })
    const read = lp.read()
    const message = new Event('message') as Event & { data: Uint8Array }
    message.data = Uint8Array.from([0, 3, 1, 2, 3])
    events.dispatchEvent(message)
    expect([...(await read).subarray()]).to.deep.equal([1, 2, 3])
    expect(refused()).to.equal(0)
  })
})
