import { expect } from 'aegir/chai'
import { JsonLinesProcess, livingChildren } from '../src/json-lines-process.ts'

/** A Node child running `script`, standing in for go-rdv */
function node (script: string, lifetime = 10_000): JsonLinesProcess {
  return JsonLinesProcess.start(process.execPath, ['-e', script], { lifetime })
}

describe('JsonLinesProcess', () => {
  afterEach(() => {
    expect(livingChildren()).to.equal(0, 'a test left a child running')
  })

  it('collects JSON lines in order, split across writes, and keeps other lines apart', async () => {
    const child = node(`
      process.stdout.write('{"event":"ready","n":1}\\nnot json\\n{"event":"re')
      setTimeout(() => { process.stdout.write('gister","ok":true}\\n[1,2]\\n{"event":"done"}') }, 50)
    `)
    const ready = await child.waitFor(e => e.event === 'ready', 5_000)
    expect(ready.n).to.equal(1)
    await child.waitForExit(5_000)
    expect(child.events.map(e => e.event)).to.deep.equal(['ready', 'register', 'done'])
    expect(child.garbage).to.deep.equal(['not json', '[1,2]'])
    expect(child.exitStatus?.code).to.equal(0)
  })

  it('has read every line by the time the exit is reported, even from a child that exits at once', async () => {
    // exit as soon as the lines are handed to the pipe, before the parent has read them
    const child = node('let s = ""; for (let i = 0; i < 2000; i++) s += JSON.stringify({ event: "op", i }) + "\\n"; process.stdout.write(s, () => process.exit(0))')
    await child.waitForExit(5_000)
    expect(child.events).to.have.lengthOf(2000)
    expect(child.events[1999].i).to.equal(1999)
  })

  it('rejects a wait that outlasts its timeout, with the stderr tail', async () => {
    const child = node('process.stderr.write("warming up\\n"); setTimeout(() => {}, 5000)')
    await new Promise(resolve => setTimeout(resolve, 300))
    await expect(child.waitFor(e => e.event === 'ready', 200, 'the ready line')).to.eventually.be.rejectedWith(/no the ready line within 200 ms; stderr: warming up/)
    await child.stop()
  })

  it('rejects a wait at once when the child exits without the event', async () => {
    const child = node('console.log(JSON.stringify({ event: "error", message: "bad flag" })); process.exit(2)')
    await expect(child.waitFor(e => e.event === 'ready', 5_000, 'ready')).to.eventually.be.rejectedWith(/exited \(code 2\) before ready/)
  })

  it('stops a child that ignores SIGTERM by killing it after the grace period', async () => {
    const child = node('process.on("SIGTERM", () => {}); process.stdin.resume(); process.stdin.on("end", () => {}); console.log("{\\"event\\":\\"ready\\"}"); setInterval(() => {}, 1000)')
    await child.waitFor(e => e.event === 'ready', 5_000)
    const exit = await child.stop(300)
    expect(exit.signal).to.equal('SIGKILL')
  })

  it('kills a child whose lifetime is up', async () => {
    const child = node('setInterval(() => {}, 1000)', 300)
    const exit = await child.exited
    expect(exit.signal).to.equal('SIGKILL')
  })
})
