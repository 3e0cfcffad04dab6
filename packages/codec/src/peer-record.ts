import { peerIdFromPrivateKey, peerIdFromPublicKey } from '@libp2p/peer-id'
import { PeerRecord, RecordEnvelope } from '@libp2p/peer-record'
import { equals as uint8ArrayEquals } from 'uint8arrays/equals'
import { PEER_RECORD_DOMAIN, PEER_RECORD_PAYLOAD_TYPE } from './constants.ts'
import { InvalidEnvelopeError, InvalidPeerRecordError, InvalidSignatureError, KeyMismatchError, NoAddressesError, UnexpectedPeerError, WrongPayloadTypeError } from './errors.ts'
import type { AbortOptions, PeerId, PrivateKey, PublicKey } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

/** A signed peer record that was opened and verified */
export interface VerifiedPeerRecord {
  /** The peer the record belongs to; equal to the key that signed it */
  peerId: PeerId
  /** The key that signed the envelope */
  publicKey: PublicKey
  multiaddrs: Multiaddr[]
  /** Sequence number; later records of one peer carry higher numbers */
  seq: bigint
  /** Total length of the binary multiaddrs (the 0.0.1 dialect caps it at 2048) */
  addressBytes: number
  /** The envelope bytes that were verified */
  envelope: Uint8Array
}

export interface OpenPeerRecordOptions extends AbortOptions {
  /** Fail with {@link UnexpectedPeerError} unless the record belongs to this peer */
  expectedPeer?: PeerId
}

export interface SealPeerRecordOptions extends AbortOptions {
  /** Defaults to the current time in milliseconds, so later records of a node carry higher numbers */
  seq?: bigint
}

/**
 * Seal a node's own peer record into a signed envelope (domain `libp2p-peer-record`, payload type
 * 0x03 0x01), as REGISTER carries it.
 *
 * @throws {NoAddressesError} when `multiaddrs` is empty: rendezvous points reject records without addresses
 */
export async function sealPeerRecord (privateKey: PrivateKey, multiaddrs: Multiaddr[], options: SealPeerRecordOptions = {}): Promise<Uint8Array> {
  if (multiaddrs.length === 0) {
    throw new NoAddressesError('a peer record needs at least one address')
  }
  const record = new PeerRecord({
    peerId: peerIdFromPrivateKey(privateKey),
    multiaddrs,
    seqNumber: options.seq
  })
  const envelope = await RecordEnvelope.seal(record, privateKey, options)
  return envelope.marshal()
}

/**
 * Open a signed peer record and verify it: the signature is valid for the peer record domain, the
 * payload is a peer record, the envelope's key is the record's peer ID, and (when given) the record
 * belongs to `expectedPeer`. The structural checks run before the signature, so malformed input
 * costs no signature verification.
 *
 * @throws {InvalidEnvelopeError | WrongPayloadTypeError | InvalidPeerRecordError | KeyMismatchError | UnexpectedPeerError | InvalidSignatureError}
 */
export async function openPeerRecord (bytes: Uint8Array, options: OpenPeerRecordOptions = {}): Promise<VerifiedPeerRecord> {
  let envelope: RecordEnvelope
  try {
    envelope = RecordEnvelope.createFromProtobuf(bytes)
  } catch (err: any) {
    throw new InvalidEnvelopeError(`not a signed envelope: ${err.message}`)
  }

  if (!uint8ArrayEquals(envelope.payloadType, PEER_RECORD_PAYLOAD_TYPE)) {
    throw new WrongPayloadTypeError('the envelope does not carry a peer record (payload type is not 0x03 0x01)')
  }

  let record: PeerRecord
  try {
    record = PeerRecord.createFromProtobuf(envelope.payload)
  } catch (err: any) {
    throw new InvalidPeerRecordError(`the payload is not a peer record: ${err.message}`)
  }

  const signer = peerIdFromPublicKey(envelope.publicKey)
  if (!signer.equals(record.peerId)) {
    throw new KeyMismatchError(`the record of ${record.peerId} is signed by the key of ${signer}`)
  }

  if (options.expectedPeer != null && !options.expectedPeer.equals(record.peerId)) {
    throw new UnexpectedPeerError(`the record belongs to ${record.peerId}, not to ${options.expectedPeer}`)
  }

  let valid: boolean
  try {
    valid = await envelope.validate(PEER_RECORD_DOMAIN, options)
  } catch (err: any) {
    if (options.signal?.aborted === true) {
      throw err
    }
    throw new InvalidSignatureError(`the signature cannot be verified: ${err.message}`)
  }
  if (!valid) {
    throw new InvalidSignatureError('the signature is not valid for the peer record domain')
  }

  return {
    peerId: record.peerId,
    publicKey: envelope.publicKey,
    multiaddrs: record.multiaddrs,
    seq: record.seqNumber,
    addressBytes: record.multiaddrs.reduce((sum, ma) => sum + ma.bytes.byteLength, 0),
    envelope: bytes
  }
}
