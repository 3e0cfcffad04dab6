// One check for every package: `@rendezvous/store` defines it (the store has no dependencies, so the stores
// reach it without the codec); the codec passes it on for the client, the server and the CLI
export { requireNodeVersion } from '@rendezvous/store/node-version'
