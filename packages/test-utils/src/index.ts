/**
 * @packageDocumentation
 *
 * What this repository's tests share, one copy of each (private, never published): the README example
 * runner ({@link readmeExamples}, {@link runExample}, {@link describeReadmeExamples}), {@link RawStream} (frames
 * written and read with the codec and nothing else), {@link startNode} (a loopback libp2p node),
 * {@link startProcess} (a child process whose output a test waits on), {@link waitForEvent} and
 * {@link waitFor} (wait for what is expected, never for time), {@link ManualTimers} (a clock with timers),
 * the gossipsub mesh checks, and the store adapters' directory, refusal and migration fixtures.
 */

export { readmeExamples, runExample, runAsCommented, commentedOutput, describeReadmeExamples } from './readme-examples.ts'
export type { ReadmeExample, PrintedLine, RunExampleOptions, ExampleRun } from './readme-examples.ts'
export { RawStream } from './raw-stream.ts'
export { FrameQueue } from './frame-queue.ts'
export type { StreamEnd } from './frame-queue.ts'
export { startNode, stopAll } from './nodes.ts'
export { meshPeers, meshIsConnected } from './gossipsub-mesh.ts'
export type { MeshNode } from './gossipsub-mesh.ts'
export { startProcess, killAll } from './process.ts'
export type { TestProcess, ProcessExit, StartProcessOptions } from './process.ts'
export { waitFor, waitForEvent } from './wait-for.ts'
export { ManualTimers } from './manual-timers.ts'
export type { WaitOptions } from './wait-for.ts'
export { ExampleFailedError, UnknownCodeBlockError, WaitTimeoutError } from './errors.ts'
export { NOT_RUN, EXAMPLE_TIMEOUT_MS, WAIT_TIMEOUT_MS } from './constants.ts'
export { temporaryDirectory, directoryEachTest, storePathEachTest } from './temporary-directory.ts'
export type { TemporaryDirectory, TestDirectory, StorePath } from './temporary-directory.ts'
export { snapshotFiles, refusalOf, expectRefusedUntouched, fillAndClose } from './refused-untouched.ts'
export type { RefusalExpected } from './refused-untouched.ts'
export { PRE_FORMAT_ROWS, expectPreFormatRowsMigrated, expectMigratedStoreTakesWrites } from './pre-format-fixture.ts'
export type { PreFormatRow } from './pre-format-fixture.ts'
