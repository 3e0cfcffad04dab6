package main

import (
	"context"
	"fmt"
	"math/rand"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/libp2p/go-libp2p/core/peer"
	ma "github.com/multiformats/go-multiaddr"
)

// spec is one session against one server process, as the orchestrator (run.ts) sends it.
type spec struct {
	Server    string `json:"server"`    // multiaddr ending in /p2p/<id>, loopback
	ServerPid int    `json:"serverPid"` // for /proc figures
	Dialect   string `json:"dialect"`   // waku | rendezvous
	Namespace string `json:"namespace"`
	Seed      string `json:"seed"`
	Kind      string `json:"kind"` // register | discovery | idle
	N         int    `json:"n"`    // simulated peers
	TTL       uint64 `json:"ttl"`  // requested TTL, seconds
	// RecordFormat of the envelopes: "standard" (default) or "rust-legacy" (what rust-libp2p's server reads)
	RecordFormat string `json:"recordFormat"`

	ConnectConcurrency int `json:"connectConcurrency"`
	Concurrency        int `json:"concurrency"`  // storm and refresh
	RefreshWaves       int `json:"refreshWaves"` // refresh phases after the storm
	// register sessions: connect, storm and refresh this many peers at a time (0: all at once)
	ConnectBatch int `json:"connectBatch"`
	// bound on one connect phase, seconds (0: the session's bound)
	ConnectSeconds float64 `json:"connectSeconds"`
	// idle sessions: connect in steps of this many peers, all kept open, each step a phase of its own
	// ("connect-to-<open connections after it>"), so the handshake cost shows at each number of open
	// connections (0: all at once)
	ConnectStep int `json:"connectStep"`

	DiscoverConcurrency int     `json:"discoverConcurrency"`
	DiscoverLimits      []int   `json:"discoverLimits"`
	MixedConcurrency    []int   `json:"mixedConcurrency"`
	MixedRegisterShare  float64 `json:"mixedRegisterShare"`
	MixedLimit          int     `json:"mixedLimit"`
	EnvelopesPerPeer    int     `json:"envelopesPerPeer"` // fresh envelopes for mixed registrations
	KeepaliveMs         int     `json:"keepaliveMs"`      // re-register every peer this often during discovery phases; 0 = off
	WarmupOps           int     `json:"warmupOps"`        // untimed DISCOVERs before the discovery phases
	PhaseSeconds        float64 `json:"phaseSeconds"`
	MaxOpsPerPhase      int     `json:"maxOpsPerPhase"`
	SettleMs            int     `json:"settleMs"` // idle: wait before each memory reading
	OpTimeoutMs         int     `json:"opTimeoutMs"`
	CheckRendezvous     bool    `json:"checkRendezvous"` // page through with 1.0.0 cookies
	CheckWaku           bool    `json:"checkWaku"`       // 0.0.1 DISCOVER limit 1000 until all seen
	CheckSeconds        float64 `json:"checkSeconds"`
	MaxSessionSeconds   float64 `json:"maxSessionSeconds"`
	// phases during which the server is profiled: SIGUSR2 before and after (ts-server.ts --profile-dir)
	ProfilePhases []string `json:"profilePhases,omitempty"`
}

func defaultSpec() spec {
	return spec{
		Dialect: "waku", Namespace: "bench", Seed: "rendezvous-bench", Kind: "register", N: 1000, TTL: 20,
		ConnectConcurrency: 32, Concurrency: 64, RefreshWaves: 1,
		DiscoverConcurrency: 16, DiscoverLimits: []int{10, 100},
		MixedConcurrency: []int{1, 16, 128}, MixedRegisterShare: 0.2, MixedLimit: 10, EnvelopesPerPeer: 1,
		PhaseSeconds: 4, MaxOpsPerPhase: 2_000_000, SettleMs: 3000, OpTimeoutMs: 30_000,
		CheckSeconds: 30, MaxSessionSeconds: 600,
	}
}

func (s *spec) validate() error {
	if _, err := dialectByName(s.Dialect); err != nil {
		return err
	}
	if s.N <= 0 || s.N > 20000 {
		return fmt.Errorf("n must be in 1..20000")
	}
	if s.ConnectConcurrency <= 0 || s.Concurrency <= 0 || s.DiscoverConcurrency <= 0 {
		return fmt.Errorf("concurrency must be positive")
	}
	if s.PhaseSeconds <= 0 || s.PhaseSeconds > 120 || s.MaxSessionSeconds <= 0 {
		return fmt.Errorf("phaseSeconds must be in (0, 120], maxSessionSeconds positive")
	}
	for _, c := range s.MixedConcurrency {
		if c <= 0 || c > s.N {
			return fmt.Errorf("mixed concurrency %d must be in 1..n", c)
		}
	}
	if s.EnvelopesPerPeer < 1 {
		s.EnvelopesPerPeer = 1
	}
	switch s.RecordFormat {
	case "":
		s.RecordFormat = "standard"
	case "standard", "rust-legacy":
	default:
		return fmt.Errorf("unknown record format %q (standard or rust-legacy)", s.RecordFormat)
	}
	switch s.Kind {
	case "register", "discovery", "idle":
	default:
		return fmt.Errorf("unknown kind %q", s.Kind)
	}
	return nil
}

// phaseResult is one JSON line per timed phase.
type phaseResult struct {
	Event            string   `json:"event"`
	Name             string   `json:"name"`
	Concurrency      int      `json:"concurrency"`
	Ops              int64    `json:"ops"`
	Errors           int64    `json:"errors"`
	ErrorSamples     []string `json:"errorSamples,omitempty"`
	Seconds          float64  `json:"seconds"`
	OpsPerSec        float64  `json:"opsPerSec"`
	P50Ms            float64  `json:"p50Ms"`
	P99Ms            float64  `json:"p99Ms"`
	MaxMs            float64  `json:"maxMs"`
	ServerCPUSec     float64  `json:"serverCpuSec"`
	ServerPeakRSSMiB float64  `json:"serverPeakRssMiB"`
	ServerRSSMiB     float64  `json:"serverRssMiB"`
	PeakIsPhaseOnly  bool     `json:"peakIsPhaseOnly"`
	GenCPUSec        float64  `json:"genCpuSec"`
	// the whole machine over the phase, all cores summed: busy (every process, the database's included) and
	// stolen by the hypervisor; Cores is how many there are
	MachineBusySec  float64 `json:"machineBusySec"`
	MachineStealSec float64 `json:"machineStealSec"`
	Cores           int     `json:"cores"`
	// discover: registrations per response, on average
	AvgReturned float64 `json:"avgReturned,omitempty"`
	// mixed: how the operations split
	Registers int64 `json:"registers,omitempty"`
	Discovers int64 `json:"discovers,omitempty"`
	// background re-registrations (keep-alive) that ran during the phase
	BackgroundRegisters int64  `json:"backgroundRegisters,omitempty"`
	BackgroundErrors    int64  `json:"backgroundErrors,omitempty"`
	BackgroundSkipped   int64  `json:"backgroundSkipped,omitempty"`
	EndedBy             string `json:"endedBy"` // count | time | pool
	// idle: memory per connection
	Connections      int     `json:"connections,omitempty"`
	RSSBeforeMiB     float64 `json:"rssBeforeMiB,omitempty"`
	RSSAfterMiB      float64 `json:"rssAfterMiB,omitempty"`
	KiBPerConnection float64 `json:"kibPerConnection,omitempty"`
	// batched phases: how many batches were combined into this line
	Batches int `json:"batches,omitempty"`

	lat *latencies
}

type session struct {
	s        *spec
	d        dialect
	peers    []*simPeer
	server   ma.Multiaddr
	serverID peer.ID
	timeout  time.Duration

	bgRegisters atomic.Int64
	bgErrors    atomic.Int64
	bgSkipped   atomic.Int64
}

func runSession(s *spec) error {
	d, _ := dialectByName(s.Dialect)
	full, err := ma.NewMultiaddr(s.Server)
	if err != nil {
		return fmt.Errorf("bad server multiaddr: %w", err)
	}
	info, err := peer.AddrInfoFromP2pAddr(full)
	if err != nil || len(info.Addrs) == 0 {
		return fmt.Errorf("server multiaddr needs /p2p/<id>: %v", err)
	}
	if !strings.HasPrefix(info.Addrs[0].String(), "/ip4/127.0.0.1/") {
		return fmt.Errorf("loopback only: %s", info.Addrs[0])
	}
	envs := 1
	switch s.Kind {
	case "discovery":
		envs = s.EnvelopesPerPeer
	case "idle":
		envs = 0
	}
	t0 := time.Now()
	peers, err := makePeers(s.Seed, s.N, envs, s.RecordFormat)
	if err != nil {
		return err
	}
	logf("%d identities, %d envelopes each, in %v", s.N, envs, time.Since(t0).Round(time.Millisecond))
	ss := &session{s: s, d: d, peers: peers, server: info.Addrs[0], serverID: info.ID, timeout: time.Duration(s.OpTimeoutMs) * time.Millisecond}
	defer ss.disconnectAll()

	switch s.Kind {
	case "register":
		return ss.registerSession()
	case "discovery":
		return ss.discoverySession()
	default:
		return ss.idleSession()
	}
}

func (ss *session) disconnectAll() { disconnect(ss.peers) }

// opFunc runs operation i on worker w and returns how many registrations it returned (discover) and
// whether it was a register (mixed).
type opFunc func(w, i int) (returned int, register bool, err error)

// run drives conc workers until maxOps operations were claimed or the time is up, and returns the
// phase's figures, the server's taken from /proc around it.
func (ss *session) run(name string, conc int, dur time.Duration, maxOps int, op opFunc) phaseResult {
	pid := ss.s.ServerPid
	if ss.profiled(name) {
		ss.signalProfiler()
		defer func() {
			ss.signalProfiler()
			// the server numbers its profiles 1, 2, ...; this line says which phase each one is
			emit(map[string]any{"event": "profiled", "name": name})
		}()
	}
	before := snapshot(pid)
	var next atomic.Int64
	var endedBy atomic.Value
	endedBy.Store("count")
	deadline := time.Now().Add(dur)
	bg0, bge0, bgs0 := ss.bgRegisters.Load(), ss.bgErrors.Load(), ss.bgSkipped.Load()

	type workerStats struct {
		lat                  latencies
		ops, errs, returned  int64
		registers, discovers int64
		samples              []string
	}
	stats := make([]workerStats, conc)
	var wg sync.WaitGroup
	start := time.Now()
	for w := 0; w < conc; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			st := &stats[w]
			for {
				if time.Now().After(deadline) {
					endedBy.Store("time")
					return
				}
				i := int(next.Add(1) - 1)
				if i >= maxOps {
					return
				}
				t := time.Now()
				returned, reg, err := op(w, i)
				if err == errPoolExhausted {
					endedBy.Store("pool")
					return
				}
				st.lat.add(time.Since(t))
				if reg {
					st.registers++
				} else {
					st.discovers++
				}
				if err != nil {
					st.errs++
					if len(st.samples) < 3 {
						st.samples = append(st.samples, err.Error())
					}
					continue
				}
				st.ops++
				st.returned += int64(returned)
			}
		}(w)
	}
	wg.Wait()
	elapsed := time.Since(start)
	after := snapshot(pid)
	rss, hwm, _ := procMem(pid)

	var all latencies
	r := phaseResult{Event: "phase", Name: name, Concurrency: conc, Seconds: elapsed.Seconds(), EndedBy: endedBy.Load().(string)}
	for i := range stats {
		st := &stats[i]
		all.merge(&st.lat)
		r.Ops += st.ops
		r.Errors += st.errs
		r.Registers += st.registers
		r.Discovers += st.discovers
		for _, m := range st.samples {
			if len(r.ErrorSamples) < 5 {
				r.ErrorSamples = append(r.ErrorSamples, m)
			}
		}
		r.AvgReturned += float64(st.returned)
	}
	if name != "mixed" {
		// only the mixed phase has two kinds of operation
		r.Registers, r.Discovers = 0, 0
	}
	if r.Ops > 0 {
		r.AvgReturned /= float64(r.Ops)
	}
	r.OpsPerSec = float64(r.Ops) / elapsed.Seconds()
	r.P50Ms, r.P99Ms, r.MaxMs = all.summary()
	r.lat = &all
	r.ServerCPUSec = after.serverCPU - before.serverCPU
	r.GenCPUSec = after.genCPU - before.genCPU
	r.MachineBusySec = after.machineBusy - before.machineBusy
	r.MachineStealSec = after.machineSteal - before.machineSteal
	r.Cores = after.cores
	r.ServerRSSMiB = float64(rss) / 1024
	r.ServerPeakRSSMiB = float64(hwm) / 1024
	r.PeakIsPhaseOnly = before.hwmReset
	r.BackgroundRegisters = ss.bgRegisters.Load() - bg0
	r.BackgroundErrors = ss.bgErrors.Load() - bge0
	r.BackgroundSkipped = ss.bgSkipped.Load() - bgs0
	return r
}

func (ss *session) profiled(name string) bool {
	for _, p := range ss.s.ProfilePhases {
		if p == name {
			return true
		}
	}
	return false
}

// signalProfiler toggles the server's profiler and gives it a moment to start or to write the profile.
func (ss *session) signalProfiler() {
	if err := syscall.Kill(ss.s.ServerPid, syscall.SIGUSR2); err != nil {
		logf("profiler signal: %v", err)
	}
	time.Sleep(300 * time.Millisecond)
}

var errPoolExhausted = fmt.Errorf("fresh envelope pool exhausted")

// connectAll dials every peer (a timed phase of its own: the handshake rate is a figure too).
func (ss *session) connectAll() phaseResult {
	r := ss.connect(ss.peers, ss.connectLimit())
	emit(r)
	return r
}

// connectLimit bounds a connect phase: ConnectSeconds if set (the idle scenario reports how many
// connections it reached), else the session's own bound.
func (ss *session) connectLimit() time.Duration {
	if ss.s.ConnectSeconds > 0 {
		return time.Duration(ss.s.ConnectSeconds * float64(time.Second))
	}
	return time.Duration(ss.s.MaxSessionSeconds * float64(time.Second))
}

func (ss *session) connect(peers []*simPeer, limit time.Duration) phaseResult {
	return ss.run("connect", ss.s.ConnectConcurrency, limit, len(peers), func(w, i int) (int, bool, error) {
		ctx, cancel := context.WithTimeout(context.Background(), ss.timeout)
		defer cancel()
		return 0, false, peers[i].connect(ctx, ss.server, ss.serverID)
	})
}

func disconnect(peers []*simPeer) {
	var wg sync.WaitGroup
	sem := make(chan struct{}, 64)
	for _, p := range peers {
		if p.conn == nil {
			continue
		}
		wg.Add(1)
		sem <- struct{}{}
		go func(p *simPeer) {
			defer wg.Done()
			p.disconnect()
			<-sem
		}(p)
	}
	wg.Wait()
}

// combine folds the results of one phase run batch by batch into one line: operations, errors, seconds
// and CPU (the server's, the generator's, the machine's) add up, latencies are merged, the peak is the largest.
func combine(parts []phaseResult) phaseResult {
	if len(parts) == 0 {
		return phaseResult{Event: "phase"}
	}
	r := parts[0]
	all := latencies{}
	r.Ops, r.Errors, r.Seconds, r.ServerCPUSec, r.GenCPUSec, r.Registers, r.Discovers = 0, 0, 0, 0, 0, 0, 0
	r.MachineBusySec, r.MachineStealSec = 0, 0
	r.ErrorSamples = nil
	for _, p := range parts {
		r.Ops += p.Ops
		r.Errors += p.Errors
		r.Seconds += p.Seconds
		r.ServerCPUSec += p.ServerCPUSec
		r.GenCPUSec += p.GenCPUSec
		r.MachineBusySec += p.MachineBusySec
		r.MachineStealSec += p.MachineStealSec
		r.Registers += p.Registers
		r.Discovers += p.Discovers
		r.PeakIsPhaseOnly = r.PeakIsPhaseOnly && p.PeakIsPhaseOnly
		if p.ServerPeakRSSMiB > r.ServerPeakRSSMiB {
			r.ServerPeakRSSMiB = p.ServerPeakRSSMiB
		}
		r.ServerRSSMiB = p.ServerRSSMiB
		if p.EndedBy != "count" {
			r.EndedBy = p.EndedBy
		}
		for _, m := range p.ErrorSamples {
			if len(r.ErrorSamples) < 5 {
				r.ErrorSamples = append(r.ErrorSamples, m)
			}
		}
		if p.lat != nil {
			all.merge(p.lat)
		}
	}
	if r.Seconds > 0 {
		r.OpsPerSec = float64(r.Ops) / r.Seconds
	}
	r.P50Ms, r.P99Ms, r.MaxMs = all.summary()
	r.Batches = len(parts)
	return r
}

// register sends peer p's envelope env and records the acknowledgement (envelope and expiry, counted
// from the moment the request was sent, so never later than the server's own).
func (ss *session) register(p *simPeer, env int) error {
	frame := ss.d.registerFrame(ss.s.Namespace, p.envelopes[env], ss.s.TTL)
	sent := time.Now()
	msg, err := p.request(ss.d.protocol, frame, ss.timeout)
	if err != nil {
		return err
	}
	resp, err := ss.d.parseRegisterResponse(msg)
	if err != nil {
		return err
	}
	if resp.status != 0 {
		return fmt.Errorf("REGISTER status %d %q", resp.status, resp.text)
	}
	ttl := resp.ttl
	if ttl == 0 {
		return fmt.Errorf("REGISTER OK without ttl")
	}
	p.mu.Lock()
	p.acked, p.ackedEnv, p.ackedUntil = true, env, sent.Add(time.Duration(ttl)*time.Second)
	p.mu.Unlock()
	return nil
}

func (ss *session) discover(p *simPeer, frame []byte) (int, error) {
	msg, err := p.request(ss.d.protocol, frame, ss.timeout)
	if err != nil {
		return 0, err
	}
	resp, err := ss.d.parseDiscoverResponse(msg)
	if err != nil {
		return 0, err
	}
	if resp.status != 0 {
		return 0, fmt.Errorf("DISCOVER status %d %q", resp.status, resp.text)
	}
	return len(resp.envelopes), nil
}

func (ss *session) phaseDuration() time.Duration {
	return time.Duration(ss.s.PhaseSeconds * float64(time.Second))
}

// wave registers every peer once with envelope env (storm: first registration; refresh: the same
// bytes again).
func (ss *session) wave(name string, env int) phaseResult {
	r := ss.registerAll(name, ss.peers, env)
	emit(r)
	return r
}

func (ss *session) registerAll(name string, peers []*simPeer, env int) phaseResult {
	limit := time.Duration(ss.s.MaxSessionSeconds * float64(time.Second))
	return ss.run(name, ss.s.Concurrency, limit, len(peers), func(w, i int) (int, bool, error) {
		return 0, true, ss.register(peers[i], env)
	})
}

func (ss *session) connectedOrFail(r phaseResult) error {
	if r.Errors > 0 {
		return fmt.Errorf("%d of %d connections failed: %v", r.Errors, len(ss.peers), r.ErrorSamples)
	}
	return nil
}

func (ss *session) registerSession() error {
	if b := ss.s.ConnectBatch; b > 0 && b < len(ss.peers) {
		return ss.batchedRegisterSession(b)
	}
	if err := ss.connectedOrFail(ss.connectAll()); err != nil {
		return err
	}
	ss.wave("storm", 0)
	for k := 0; k < ss.s.RefreshWaves; k++ {
		ss.wave("refresh", 0)
	}
	ss.checks()
	emit(map[string]any{"event": "done"})
	return nil
}

// batchedRegisterSession runs the storm and the refresh with at most batch peers connected at a time:
// connect a batch, register it (storm), register it again with the same envelopes (refresh), disconnect
// it. Only the registrations are timed; the connects are reported as a phase of their own.
func (ss *session) batchedRegisterSession(batch int) error {
	var connects, storms, refreshes []phaseResult
	for from := 0; from < len(ss.peers); from += batch {
		peers := ss.peers[from:min(from+batch, len(ss.peers))]
		c := ss.connect(peers, ss.connectLimit())
		connects = append(connects, c)
		if err := ss.connectedOrFail(c); err != nil {
			return err
		}
		storms = append(storms, ss.registerAll("storm", peers, 0))
		for k := 0; k < ss.s.RefreshWaves; k++ {
			refreshes = append(refreshes, ss.registerAll("refresh", peers, 0))
		}
		disconnect(peers)
	}
	emit(combine(connects))
	emit(combine(storms))
	if len(refreshes) > 0 {
		emit(combine(refreshes))
	}
	// a few peers ask for the check, in turn (check.go: each has its own DISCOVER byte budget at the server)
	asker := ss.connect(ss.peers[:min(checkAskers, len(ss.peers))], ss.connectLimit())
	if err := ss.connectedOrFail(asker); err != nil {
		return err
	}
	ss.checks()
	emit(map[string]any{"event": "done"})
	return nil
}

// keepalive re-registers every peer with the envelope it last sent, once per period, until stop is
// closed. It exists for the Go reference, whose registrations vanish 0.5-2.5 s after they are made (it
// reads the TTL as nanoseconds); every server gets the same background load. It is open-loop: a
// dispatcher hands out registrations at the target rate to a pool of workers, so a slower server gets
// the same offered load (a registration that finds every worker busy is skipped and counted).
func (ss *session) keepalive(period time.Duration, stop <-chan struct{}) *sync.WaitGroup {
	const workers = 128
	const tick = 10 * time.Millisecond
	jobs := make(chan *simPeer)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for p := range jobs {
				if err := ss.register(p, p.current); err != nil {
					ss.bgErrors.Add(1)
				} else {
					ss.bgRegisters.Add(1)
				}
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(jobs)
		t := time.NewTicker(tick)
		defer t.Stop()
		perTick := float64(len(ss.peers)) * float64(tick) / float64(period)
		due, next := 0.0, 0
		for {
			select {
			case <-stop:
				return
			case <-t.C:
			}
			for due += perTick; due >= 1; due-- {
				p := ss.peers[next%len(ss.peers)]
				next++
				select {
				case jobs <- p:
				default:
					ss.bgSkipped.Add(1)
				}
			}
		}
	}()
	return &wg
}

func (ss *session) discoverySession() error {
	if err := ss.connectedOrFail(ss.connectAll()); err != nil {
		return err
	}
	populate := ss.wave("populate", 0)
	if populate.Errors > 0 {
		return fmt.Errorf("populating the namespace failed: %v", populate.ErrorSamples)
	}
	n := len(ss.peers)

	// warm-up, not timed and not reported: a JIT-compiled server is measured warm, as it runs in practice
	// operation i is asked by peer i mod n: every peer of the namespace asks in turn, as the peers of a
	// point do, rather than a few peers asking for all of them (a point limits the DISCOVER bytes it sends
	// one peer per second, and would cut the answers of so few peers short)
	if ss.s.WarmupOps > 0 {
		frame := ss.d.discoverFrame(ss.s.Namespace, 10, nil)
		ss.run("warmup", ss.s.DiscoverConcurrency, ss.phaseDuration(), ss.s.WarmupOps, func(w, i int) (int, bool, error) {
			returned, err := ss.discover(ss.peers[i%n], frame)
			return returned, false, err
		})
	}

	var stop chan struct{}
	var bg *sync.WaitGroup
	if ss.s.KeepaliveMs > 0 {
		stop = make(chan struct{})
		bg = ss.keepalive(time.Duration(ss.s.KeepaliveMs)*time.Millisecond, stop)
	}
	for _, limit := range ss.s.DiscoverLimits {
		frame := ss.d.discoverFrame(ss.s.Namespace, uint64(limit), nil)
		r := ss.run(fmt.Sprintf("discover-%d", limit), ss.s.DiscoverConcurrency, ss.phaseDuration(), ss.s.MaxOpsPerPhase, func(w, i int) (int, bool, error) {
			returned, err := ss.discover(ss.peers[i%n], frame)
			return returned, false, err
		})
		emit(r)
	}
	if stop != nil {
		close(stop)
		bg.Wait()
	}

	// mixed: worker w owns the peers i with i % conc == w, so a peer's registrations are sequential and
	// each one carries a fresh envelope (a higher seq: verified afresh, never a cache hit)
	discoverFrame := ss.d.discoverFrame(ss.s.Namespace, uint64(ss.s.MixedLimit), nil)
	for _, conc := range ss.s.MixedConcurrency {
		rngs := make([]*rand.Rand, conc)
		cursor := make([]int, conc)
		for w := range rngs {
			rngs[w] = rand.New(rand.NewSource(int64(w + 1)))
		}
		share := ss.s.MixedRegisterShare
		r := ss.run("mixed", conc, ss.phaseDuration(), ss.s.MaxOpsPerPhase, func(w, i int) (int, bool, error) {
			rng := rngs[w]
			owned := (n - w + conc - 1) / conc
			p := ss.peers[w+conc*rng.Intn(owned)]
			if rng.Float64() < share {
				p = ss.peers[w+conc*(cursor[w]%owned)]
				cursor[w]++
				if p.nextEnvelope >= len(p.envelopes) {
					return 0, true, errPoolExhausted
				}
				env := p.nextEnvelope
				p.nextEnvelope++
				p.current = env
				return 0, true, ss.register(p, env)
			}
			returned, err := ss.discover(p, discoverFrame)
			return returned, false, err
		})
		emit(r)
	}
	ss.checks()
	emit(map[string]any{"event": "done"})
	return nil
}

func (ss *session) idleSession() error {
	pid := ss.s.ServerPid
	settle := time.Duration(ss.s.SettleMs) * time.Millisecond
	time.Sleep(settle)
	rss0, _, _ := procMem(pid)
	var r phaseResult
	if step := ss.s.ConnectStep; step > 0 && step < len(ss.peers) {
		// the steps share the connect phase's time bound
		deadline := time.Now().Add(ss.connectLimit())
		var steps []phaseResult
		for from := 0; from < len(ss.peers); from += step {
			left := time.Until(deadline)
			if left <= 0 {
				break
			}
			to := min(from+step, len(ss.peers))
			c := ss.connect(ss.peers[from:to], left)
			c.Name = fmt.Sprintf("connect-to-%d", to)
			emit(c)
			steps = append(steps, c)
			if c.Ops < int64(to-from) {
				break
			}
		}
		r = combine(steps)
		r.Name = "connect"
		emit(r)
	} else {
		r = ss.connectAll()
	}
	time.Sleep(settle)
	rss1, hwm, _ := procMem(pid)
	connected := 0
	for _, p := range ss.peers {
		if p.conn != nil && !p.conn.IsClosed() {
			connected++
		}
	}
	idle := phaseResult{
		Event: "phase", Name: "idle", Connections: connected, Ops: int64(connected), Errors: r.Errors, ErrorSamples: r.ErrorSamples,
		RSSBeforeMiB: float64(rss0) / 1024, RSSAfterMiB: float64(rss1) / 1024, ServerRSSMiB: float64(rss1) / 1024,
		ServerPeakRSSMiB: float64(hwm) / 1024, EndedBy: "count", ServerCPUSec: r.ServerCPUSec,
	}
	if connected > 0 {
		idle.KiBPerConnection = float64(rss1-rss0) / float64(connected)
	}
	emit(idle)
	emit(map[string]any{"event": "done"})
	return nil
}
