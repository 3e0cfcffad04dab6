import { UnsendableNamespaceError } from './errors.ts'
import type { Dialect } from '@rendezvous/codec'

const textEncoder = new TextEncoder()

/**
 * Refuse, before anything is sent, a namespace longer than the dialect allows: the point would only
 * answer E_INVALID_NAMESPACE
 *
 * @throws {UnsendableNamespaceError}
 */
export function checkNamespace (namespace: string, dialect: Dialect): void {
  const bytes = textEncoder.encode(namespace).byteLength
  if (bytes > dialect.limits.maxNamespaceBytes) {
    throw new UnsendableNamespaceError(`namespace of ${bytes} bytes is longer than the ${dialect.limits.maxNamespaceBytes} bytes ${dialect.protocol} allows`)
  }
}
