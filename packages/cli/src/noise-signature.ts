import { bytesEqual } from '@rendezvous/store'
import type { NoiseComponents } from '@chainsafe/libp2p-noise'
import type { ConnectionEncrypter, PrivateKey } from '@libp2p/interface'

/** A signature made, with a copy of the bytes it signs (a caller could change its array afterwards) */
interface Signed {
  message: Uint8Array
  signature: Uint8Array
}

/**
 * The node's identity key, except that it signs a message it signed last time by handing back the same
 * signature: a signature by the same key over the same bytes is as valid the second time.
 */
function signingOnce (key: PrivateKey): PrivateKey {
  let last: Signed | undefined
  const sign = async (message: Uint8Array): Promise<Uint8Array> => {
    if (last != null && bytesEqual(last.message, message)) {
      return last.signature
    }
    const signature = await key.sign(message)
    last = { message: Uint8Array.from(message), signature }
    return signature
  }
  // everything else (its type, raw bytes, public key, `equals`) is the key's own
  return Object.create(key, { sign: { value: sign } })
}

/**
 * A transport encrypter whose handshakes sign the node's Noise static key once for good.
 *
 * Why: in every Noise handshake a node proves that its identity owns its Noise static key by signing
 * `noise-libp2p-static-key:` and that key (the libp2p Noise specification's handshake payload). A Noise
 * encrypter keeps one static key for its lifetime, so the message is the same in every handshake, and
 * `@chainsafe/libp2p-noise` signs it afresh each time: an Ed25519 signature through `@libp2p/crypto`, which
 * imports the key from JWK on each call, about 95 µs of a responder's handshake (docs/performance.md,
 * "Handshakes"). Given the same key whose `sign` remembers its last signature, Noise sends the same bytes
 * and signs once. Only the encrypter sees that key; the rest of the node signs as before.
 */
export function signStaticKeyOnce (encrypter: (components: NoiseComponents) => ConnectionEncrypter): (components: NoiseComponents) => ConnectionEncrypter {
  return (components) => {
    const privateKey = signingOnce(components.privateKey)
    // libp2p's components are a proxy that looks services up when asked (the upgrader is there by the first
    // handshake, not necessarily now), so the encrypter gets a view of them, not a copy
    return encrypter(new Proxy(components, {
      get: (target, property, receiver) => property === 'privateKey' ? privateKey : Reflect.get(target, property, receiver)
    }))
  }
}
