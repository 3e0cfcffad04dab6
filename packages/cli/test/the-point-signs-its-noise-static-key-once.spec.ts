import { noise } from '@chainsafe/libp2p-noise'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { startNode, stopAll } from '@rendezvous/test-utils'
import { expect } from 'aegir/chai'
import { noiseCrypto } from '../src/noise-crypto.ts'
import { signStaticKeyOnce } from '../src/noise-signature.ts'
import type { NoiseComponents } from '@chainsafe/libp2p-noise'
import type { ConnectionEncrypter, Libp2p, PrivateKey } from '@libp2p/interface'

const STATIC_KEY_PREFIX = 'noise-libp2p-static-key:'

/** An identity key that notes every message it signs */
async function notingKey (): Promise<{ key: PrivateKey, signed: Uint8Array[] }> {
  const key = await generateKeyPair('Ed25519')
  const signed: Uint8Array[] = []
  const noting = Object.create(key, {
    sign: { value: async (message: Uint8Array) => { signed.push(Uint8Array.from(message)); return key.sign(message) } }
  })
  return { key: noting, signed }
}

function staticKeySignatures (signed: Uint8Array[]): Uint8Array[] {
  return signed.filter(message => new TextDecoder().decode(message.subarray(0, STATIC_KEY_PREFIX.length)) === STATIC_KEY_PREFIX)
}

describe('the point signs its Noise static key once for all its handshakes', () => {
  let nodes: Libp2p[] = []

  afterEach(async () => {
    await stopAll(...nodes)
    nodes = []
  })

  it('completes a handshake with every peer, each of which checks the signature, and signs once', async () => {
    const { key, signed } = await notingKey()
    const point = await startNode({
      privateKey: key,
      connectionEncrypters: [signStaticKeyOnce(noise({ crypto: noiseCrypto }))]
    })
    nodes.push(point)

    for (let i = 0; i < 4; i++) {
      const peer = await startNode()
      nodes.push(peer)
      // a peer dials the point: the point is the responder, whose payload the peer verifies against its peer ID
      const connection = await peer.dial(point.getMultiaddrs()[0])
      expect(connection.remotePeer.equals(point.peerId)).to.equal(true)
      expect(connection.encryption).to.equal('/noise')
    }
    // and the point dials a peer: the initiator's payload, verified by the peer
    const dialed = await startNode()
    nodes.push(dialed)
    expect((await point.dial(dialed.getMultiaddrs()[0])).remotePeer.equals(dialed.peerId)).to.equal(true)

    expect(staticKeySignatures(signed)).to.have.length(1)
  })

  it('still signs everything else afresh: another message, or the same message with other bytes', async () => {
    const { key, signed } = await notingKey()
    let seen: PrivateKey | undefined
    const encrypter = signStaticKeyOnce((components: NoiseComponents) => {
      seen = components.privateKey
      return {} as unknown as ConnectionEncrypter
    })
    encrypter({ privateKey: key } as unknown as NoiseComponents)
    if (seen == null) {
      throw new Error('the encrypter was not given components')
    }

    const a = new TextEncoder().encode(`${STATIC_KEY_PREFIX}a`)
    const b = new TextEncoder().encode(`${STATIC_KEY_PREFIX}b`)
    const first = await seen.sign(a)
    expect(key.publicKey.verify(Uint8Array.from(a), first)).to.equal(true)
    expect(await seen.sign(Uint8Array.from(a))).to.deep.equal(first)
    expect(signed).to.have.length(1)
    // a caller changing its array after signing does not change what was remembered
    const changed = Uint8Array.from(a)
    expect(await seen.sign(changed)).to.deep.equal(first)
    changed.set(b)
    expect(await seen.sign(changed)).to.deep.equal(await key.sign(b))
    expect(signed).to.have.length(3)
    expect(await seen.sign(a)).to.deep.equal(first)
    expect(signed).to.have.length(4)
    // the rest of the key is the key's own
    expect(seen.type).to.equal('Ed25519')
    expect(seen.publicKey.equals(key.publicKey)).to.equal(true)
    expect(seen.equals(key)).to.equal(true)
  })
})
