import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { expect } from 'aegir/chai'
import { JsonLinesProcess, livingChildren, trackChild } from '../src/json-lines-process.ts'
import type { JsonEvent } from '../src/json-lines-process.ts'

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

  it('hands each JSON line to onEvent as it arrives, in order, and keeps it in events', async () => {
    const seen: JsonEvent[] = []
    const child = JsonLinesProcess.start(process.execPath, ['-e', 'console.log(JSON.stringify({ event: "phase", n: 1 })); console.log("not json"); console.log(JSON.stringify({ event: "check", n: 2 }))'], {
      lifetime: 10_000,
      onEvent: event => { seen.push(event) }
    })
    await child.waitForExit(5_000)
    expect(seen.map(e => e.n)).to.deep.equal([1, 2])
    expect(child.events).to.deep.equal(seen)
  })

  it('starts children with as many open files as the hard limit allows, whatever the soft limit this process was started with', async () => {
    // Node raises its own soft limit of open files to the hard one as it starts, and children inherit it:
    // a server or load generator holding 10,000 connections needs no `ulimit -n` of its own
    const module = new URL(import.meta.url.endsWith('.ts') ? '../src/json-lines-process.ts' : '../src/json-lines-process.js', import.meta.url).href
    const script = `
      const { JsonLinesProcess } = await import(${JSON.stringify(module)})
      const child = JsonLinesProcess.start('/bin/sh', ['-c', 'ulimit -Sn; ulimit -Hn'], { lifetime: 5000 })
      await child.waitForExit(5000)
      const [soft, hard] = child.garbage.map(Number)
      console.log(JSON.stringify({ soft, hard }))`
    const parent = JsonLinesProcess.start('/bin/sh', ['-c', 'ulimit -Sn 256 && exec "$0" --input-type=module -e "$1"', process.execPath, script], { lifetime: 10_000 })
    await parent.waitForExit(10_000)
    expect(parent.events).to.have.lengthOf(1, parent.tail())
    const [limits] = parent.events
    expect(limits.hard).to.be.above(256)
    expect(limits.soft).to.equal(limits.hard)
  })

  it('counts a child started elsewhere and tracked until it has exited', async () => {
    const before = livingChildren()
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 200)'], { stdio: 'ignore' })
    trackChild(child)
    expect(livingChildren()).to.equal(before + 1)
    await once(child, 'close')
    expect(livingChildren()).to.equal(before)
  })
})
