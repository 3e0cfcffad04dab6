import { readFile } from 'node:fs/promises'
import { createSecureContext } from 'node:tls'
import { InvalidFlagError, TlsFileError } from './errors.ts'
import type { FlagSpec } from './config.ts'

/** Where the certificate and key for `wss` listen addresses are */
export interface TlsConfig {
  /** PEM certificate chain, the server's certificate first */
  certFile: string
  /** PEM private key of that certificate */
  keyFile: string
}

/** The certificate and key, read and checked */
export interface TlsMaterial {
  cert: Buffer
  key: Buffer
}

/** The TLS flags, in the order help text lists them */
export const TLS_FLAGS: readonly FlagSpec[] = [
  { name: 'tls-cert', env: 'RENDEZVOUS_TLS_CERT', type: 'string', value: '<file>', description: 'PEM certificate chain for the /tls/ws (wss) listen addresses that browsers outside localhost need', defaultText: 'none' },
  { name: 'tls-key', env: 'RENDEZVOUS_TLS_KEY', type: 'string', value: '<file>', description: 'PEM private key of --tls-cert', defaultText: 'none' }
]

/** What {@link readTlsConfig} needs of the daemon's flag reader */
export interface TlsFlagReader {
  one(name: string): { value: string, where: string } | undefined
}

/** Whether a listen multiaddr is a secure WebSocket one (`/tls/ws` or `/wss`) */
export function isSecureWebSocket (address: string): boolean {
  return /\/(tls\/ws|wss)(\/|$)/.test(address)
}

/**
 * The TLS configuration, or `undefined` when neither flag is given
 *
 * @throws {InvalidFlagError} when only one of the two is given, or a `wss` address is listened on without them, or they are given without one
 */
export function readTlsConfig (reader: TlsFlagReader, listen: string[]): TlsConfig | undefined {
  const cert = reader.one('tls-cert')
  const key = reader.one('tls-key')
  const secure = listen.filter(isSecureWebSocket)
  if (cert == null && key == null) {
    if (secure.length > 0) {
      throw new InvalidFlagError(`--listen: '${secure[0]}' is a secure WebSocket address; give its certificate and key with --tls-cert and --tls-key`)
    }
    return undefined
  }
  if (cert == null || key == null) {
    throw new InvalidFlagError(`${(cert ?? key)?.where ?? '--tls-cert'} needs ${cert == null ? '--tls-cert' : '--tls-key'} too`)
  }
  if (secure.length === 0) {
    throw new InvalidFlagError(`${cert.where} is given but no listen address uses it; listen on /ip4/<address>/tcp/<port>/tls/ws`)
  }
  return { certFile: cert.value, keyFile: key.value }
}

/**
 * Read the certificate and key and check that they make a TLS context (PEM, and a key that matches the
 * certificate), before the daemon writes anything
 *
 * @throws {TlsFileError} naming the file that cannot be read or the pair that does not fit
 */
export async function loadTls (config: TlsConfig): Promise<TlsMaterial> {
  const read = async (path: string, flag: string): Promise<Buffer> => {
    try {
      return await readFile(path)
    } catch (err: any) {
      throw new TlsFileError(`${flag}: cannot read ${path}: ${String(err.code ?? err.message)}`, { cause: err })
    }
  }
  const cert = await read(config.certFile, '--tls-cert')
  const key = await read(config.keyFile, '--tls-key')
  try {
    createSecureContext({ cert, key })
  } catch (err: any) {
    throw new TlsFileError(`--tls-cert ${config.certFile} and --tls-key ${config.keyFile} do not make a TLS certificate and its key: ${String(err.message)}`, { cause: err })
  }
  return { cert, key }
}
