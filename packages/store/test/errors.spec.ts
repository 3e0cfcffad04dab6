import { expect } from 'aegir/chai'
import * as errors from '../src/errors.ts'

describe('errors', () => {
  it('each class has its own name, on instances and on the class', () => {
    for (const [exported, ErrorClass] of Object.entries(errors)) {
      const error = ErrorClass === errors.StoreFileError || ErrorClass === errors.CorruptStoreError || ErrorClass === errors.IncompatibleSchemaError
        ? new (ErrorClass as typeof errors.StoreFileError)('/data/store', 'broken')
        : new (ErrorClass as typeof errors.RegistrationStoreError)('message')

      expect(error.name).to.equal(exported)
      expect(ErrorClass.name).to.equal(exported)
      expect(error).to.be.an.instanceOf(Error)
      expect(error).to.be.an.instanceOf(errors.RegistrationStoreError)
    }
  })

  it('argument errors share a base class', () => {
    for (const ErrorClass of [errors.InvalidNamespaceError, errors.InvalidLimitError, errors.InvalidPositionError, errors.MalformedPeerIdError, errors.InvalidRegistrationError]) {
      expect(new ErrorClass('x')).to.be.an.instanceOf(errors.InvalidArgumentError)
    }

    expect(new errors.StoreClosedError()).to.not.be.an.instanceOf(errors.InvalidArgumentError)
  })

  it('a registration limit error says which limit refused', () => {
    const peer = new errors.RegistrationLimitError('peer')
    expect(peer.limit).to.equal('peer')
    expect(peer.name).to.equal('RegistrationLimitError')
    expect(peer).to.not.be.an.instanceOf(errors.InvalidArgumentError)
    expect(new errors.RegistrationLimitError('store', 'full').limit).to.equal('store')
    expect(new errors.RegistrationLimitError('store', 'full').message).to.equal('full')
  })

  it('file errors name the file and the problem', () => {
    const corrupt = new errors.CorruptStoreError('/var/lib/rendezvous/store.db', 'not a SQLite database')
    expect(corrupt.path).to.equal('/var/lib/rendezvous/store.db')
    expect(corrupt.problem).to.equal('not a SQLite database')
    expect(corrupt.message).to.equal('/var/lib/rendezvous/store.db: not a SQLite database')

    const cause = new Error('cause')
    const newer = new errors.IncompatibleSchemaError('/data', 'schema version 3 is newer than this adapter (2)', { found: 3, supported: 2 }, { cause })
    expect(newer.foundVersion).to.equal(3)
    expect(newer.supportedVersion).to.equal(2)
    expect(newer.cause).to.equal(cause)
    expect(newer).to.be.an.instanceOf(errors.StoreFileError)
  })
})
