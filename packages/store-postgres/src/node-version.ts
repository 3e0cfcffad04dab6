// The first module index.ts imports, so that an old Node.js is refused before any other module of
// this package (or its dependencies) loads
import { requireNodeVersion } from '@rendezvous/store/node-version'

requireNodeVersion('@rendezvous/store-postgres')
