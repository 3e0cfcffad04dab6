import { InvalidSignatureError } from './errors.ts'
import { openPeerRecordByObjects } from './peer-record.ts'
import { openPlainEnvelope } from './plain-envelope.ts'
import type { OpenPeerRecordOptions, PeerRecordSummary } from './peer-record.ts'

/**
 * Verify a signed peer record as {@link openPeerRecord} does, with the same acceptance, the same options and
 * the same errors, but return only what a rendezvous point keeps ({@link PeerRecordSummary}): no `Multiaddr`
 * objects. An envelope of an Ed25519 or secp256k1 key in its usual encoding is read without decoding it into
 * objects and its signature checked with Node's own crypto; any other envelope (other key types, unusual
 * encodings, bad input) goes through `@libp2p/peer-record`'s classes, as in `openPeerRecord`.
 *
 * @throws {InvalidEnvelopeError | WrongPayloadTypeError | InvalidPeerRecordError | KeyMismatchError | RecordOfAnotherPeerError | InvalidSignatureError}
 */
export async function verifyPeerRecord (bytes: Uint8Array, options: OpenPeerRecordOptions = {}): Promise<PeerRecordSummary> {
  const plain = openPlainEnvelope(bytes, options)
  if (plain == null) {
    const record = await openPeerRecordByObjects(bytes, options)
    return { peerId: record.peerId, addressCount: record.addressCount, addressBytes: record.addressBytes, format: record.format }
  }
  if (!plain.valid) {
    throw new InvalidSignatureError(`the signature is not valid for the domain ${plain.format.domain}`)
  }
  return { peerId: plain.peerId, addressCount: plain.addresses.length, addressBytes: plain.addressBytes, format: plain.format }
}
