package main

import (
	"context"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/core/record"
	ma "github.com/multiformats/go-multiaddr"
	rendezvous "github.com/status-im/go-waku-rendezvous"
	pb "github.com/status-im/go-waku-rendezvous/pb"
	"rendezvous.local/interop/peerkit"
)

// sessionFlags are shared by the client and raw subcommands.
type sessionFlags struct {
	fs      *flag.FlagSet
	server  *string
	keyFile *string
	listen  *string
	strict  *bool
	opsJSON *string
	timeout *time.Duration
}

func newSessionFlags(name string) *sessionFlags {
	fs := stderrLog.FlagSet(name)
	return &sessionFlags{
		fs:      fs,
		server:  fs.String("server", "", "server multiaddr including /p2p/<peer id> (required)"),
		keyFile: fs.String("key", "", "private key file (created with a new Ed25519 key if missing)"),
		listen:  fs.String("listen", "/ip4/127.0.0.1/tcp/0", "own listen multiaddr; its address goes into the signed peer record (\"\" = do not listen, so the record has no addresses)"),
		strict:  fs.Bool("strict", false, "stop at the first failed op and exit 1"),
		opsJSON: fs.String("ops-json", "", `ops as a JSON list, e.g. [{"op":"register","ns":"foo","ttl":20}]`),
		timeout: fs.Duration("timeout", 10*time.Second, "timeout for connecting and for each op"),
	}
}

// session is a connected host shared by client and raw mode.
type session struct {
	out    *peerkit.Emitter
	h      host.Host
	server *peer.AddrInfo
}

// startSession parses a subcommand's flags and ops (only the `allowed` kinds) and connects to the
// server. On failure the session is nil and the int is the exit code: 2 for usage, 1 for setup.
func startSession(ctx context.Context, role string, args []string, allowed map[string]bool, out *peerkit.Emitter) (*sessionFlags, []op, *session, int) {
	sf := newSessionFlags(role)
	if !out.Parse(sf.fs, args) {
		return nil, nil, nil, 2
	}
	ops, err := parseOps(sf.fs.Args(), *sf.opsJSON, allowed)
	if err != nil {
		out.Errorf("%v", err)
		return nil, nil, nil, 2
	}
	sess, code := openSession(ctx, role, sf, out)
	return sf, ops, sess, code
}

func openSession(ctx context.Context, role string, sf *sessionFlags, out *peerkit.Emitter) (*session, int) {
	if *sf.server == "" {
		out.Errorf("%s: --server is required", role)
		return nil, 2
	}
	var laddrs []ma.Multiaddr
	if *sf.listen != "" {
		laddr, err := ma.NewMultiaddr(*sf.listen)
		if err != nil {
			out.Errorf("bad --listen multiaddr: %v", err)
			return nil, 2
		}
		laddrs = append(laddrs, laddr)
	}
	h, err := newHost(*sf.keyFile, laddrs)
	if err != nil {
		out.Errorf("host: %v", err)
		return nil, 1
	}
	cctx, cancel := context.WithTimeout(ctx, *sf.timeout)
	defer cancel()
	info, protos, err := connectServer(cctx, h, *sf.server, string(rendezvous.RendezvousID_v001))
	if err != nil {
		_ = h.Close()
		out.Errorf("%v", err)
		return nil, 1
	}
	out.Emit(peerkit.ReadyEvent{
		Event: "ready", Role: role, PeerID: h.ID().String(), Multiaddrs: fullAddrs(h),
		ServerPeerID: info.ID.String(), ServerProtocols: protos,
	})
	return &session{out: out, h: h, server: info}, 0
}

// runClient drives the reference client (rendezvous.NewRendezvousPoint).
func runClient(ctx context.Context, args []string, stdout io.Writer) int {
	allowed := map[string]bool{"register": true, "discover": true, "record": true, "sleep": true}
	return runSession(ctx, "client", args, allowed, stdout, func(sf *sessionFlags, ops []op, sess *session) int {
		tap := &tapHost{Host: sess.h, tap: &peerkit.Tap{}}
		rp := rendezvous.NewRendezvousPoint(tap)
		return runOps(ctx, sess.out, ops, *sf.strict, func(o op) bool {
			octx, cancel := context.WithTimeout(ctx, *sf.timeout)
			defer cancel()
			return clientOp(octx, sess.out, tap, rp, o)
		})
	})
}

// runSession runs a client or raw subcommand: its flags and ops (only the
// `allowed` kinds), a session connected to the server, then run; the host is
// closed afterwards.
func runSession(ctx context.Context, role string, args []string, allowed map[string]bool, stdout io.Writer, run func(*sessionFlags, []op, *session) int) int {
	out := peerkit.NewEmitter(stdout, stderrLog)
	sf, ops, sess, code := startSession(ctx, role, args, allowed, out)
	if sess == nil {
		return code
	}
	defer sess.h.Close()
	return run(sf, ops, sess)
}

// runOps runs the ops of a session one after the other, then prints the
// done line with the count of failed ops; with strict, it stops at the first
// failure and exits 1.
func runOps(ctx context.Context, out *peerkit.Emitter, ops []op, strict bool, do func(op) bool) int {
	failed := 0
	for _, o := range ops {
		if ctx.Err() != nil {
			out.Errorf("interrupted")
			return 1
		}
		if !do(o) {
			failed++
			if strict {
				out.Emit(doneEvent{Event: "done", Failed: failed})
				return 1
			}
		}
	}
	out.Emit(doneEvent{Event: "done", Failed: failed})
	return 0
}

func clientOp(ctx context.Context, out *peerkit.Emitter, tap *tapHost, rp rendezvous.RendezvousPoint, o op) bool {
	logf("client op: %s", o)
	switch o.Name {
	case "register":
		tap.tap.Reset(nil)
		ttl, err := rp.Register(ctx, o.Ns, int(o.TTL))
		written, read := tap.tap.Captured()
		ev := registerEvent{Event: "register", Ns: o.Ns, answer: answer{OK: err == nil, Frame: hex.EncodeToString(read)}}
		if env, e := sentEnvelope(written); e == nil {
			ev.Envelope = hex.EncodeToString(env)
		}
		if err != nil {
			ev.failed(err)
			out.Emit(ev)
			return false
		}
		ev.TTL = peerkit.Ptr(int64(ttl / time.Second))
		out.Emit(ev)
		return true

	case "discover":
		tap.tap.Reset(nil)
		regs, err := rp.Discover(ctx, o.Ns, int(o.Limit))
		_, read := tap.tap.Captured()
		ev := discoverEvent{Event: "discover", Ns: o.Ns, Limit: o.Limit, Registrations: []registrationJSON{}, answer: answer{OK: err == nil, Frame: hex.EncodeToString(read)}}
		if err != nil {
			ev.failed(err)
			out.Emit(ev)
			return false
		}
		ev.Registrations, ev.Skipped = matchRegistrations(regs, read)
		out.Emit(ev)
		return true

	case "record":
		// Let the reference client seal a record (peer ID, host addrs,
		// seq = unix seconds) and capture it from a fake stream, so
		// nothing is sent to the server.
		reply, err := frame(&pb.Message{
			Type:             pb.Message_REGISTER_RESPONSE,
			RegisterResponse: &pb.Message_RegisterResponse{Status: pb.Message_OK, Ttl: rendezvous.DefaultTTL},
		})
		if err != nil {
			out.Errorf("record: %v", err)
			return false
		}
		tap.tap.Reset(reply)
		_, err = rp.Register(ctx, "record", rendezvous.DefaultTTL)
		written, _ := tap.tap.Captured()
		tap.tap.Reset(nil)
		if err != nil {
			out.Errorf("record: %v", err)
			return false
		}
		env, err := sentEnvelope(written)
		if err != nil {
			out.Errorf("record: %v", err)
			return false
		}
		_, rec, err := record.ConsumeEnvelope(env, peer.PeerRecordEnvelopeDomain)
		if err != nil {
			out.Errorf("record: sealed record does not verify: %v", err)
			return false
		}
		pr := rec.(*peer.PeerRecord)
		out.Emit(recordEvent{Event: "record", PeerID: pr.PeerID.String(), Addrs: addrStrings(pr), Seq: pr.Seq, Envelope: hex.EncodeToString(env)})
		return true

	case "sleep":
		return doSleep(ctx, out, o.Ms)
	}
	out.Errorf("unsupported op %q", o.Name)
	return false
}

func doSleep(ctx context.Context, out *peerkit.Emitter, ms int64) bool {
	t := time.NewTimer(time.Duration(ms) * time.Millisecond)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
		if ctx.Err() == context.DeadlineExceeded {
			// the per-op timeout does not apply to sleep
			<-t.C
		} else {
			out.Errorf("interrupted")
			return false
		}
	}
	out.Emit(sleepEvent{Event: "sleep", Ms: ms})
	return true
}

// sentEnvelope extracts signedPeerRecord from the REGISTER frame the
// reference client wrote.
func sentEnvelope(written []byte) ([]byte, error) {
	msgs, err := readFrames(written)
	if err != nil {
		return nil, err
	}
	if len(msgs) != 1 || msgs[0].GetRegister() == nil {
		return nil, fmt.Errorf("expected one REGISTER frame, captured %d frames", len(msgs))
	}
	return msgs[0].GetRegister().GetSignedPeerRecord(), nil
}

// matchRegistrations pairs the registrations returned by the reference
// client (which drops entries it cannot parse) with the raw registrations
// of the captured DISCOVER_RESPONSE, to report the exact envelope bytes.
func matchRegistrations(regs []rendezvous.Registration, read []byte) ([]registrationJSON, int) {
	var raw []*pb.Message_Register
	if msgs, err := readFrames(read); err == nil && len(msgs) == 1 {
		raw = msgs[0].GetDiscoverResponse().GetRegistrations()
	} else {
		logf("could not decode captured DISCOVER_RESPONSE (%d bytes): %v", len(read), err)
	}
	out := []registrationJSON{}
	j := 0
	for _, r := range raw {
		if j >= len(regs) {
			break
		}
		rec, err := decodeEnvelope(r.GetSignedPeerRecord())
		if err != nil || rec.PeerID != regs[j].Peer.ID || r.GetNs() != regs[j].Ns {
			continue
		}
		out = append(out, regJSON(regs[j], r.GetSignedPeerRecord(), peerkit.Ptr(rec.Seq)))
		j++
	}
	// Should not happen; keep whatever the reference returned.
	for ; j < len(regs); j++ {
		out = append(out, regJSON(regs[j], nil, nil))
	}
	skipped := len(raw) - len(regs)
	if skipped < 0 {
		skipped = 0
	}
	return out, skipped
}

func regJSON(r rendezvous.Registration, env []byte, seq *uint64) registrationJSON {
	addrs := []string{}
	for _, a := range r.Peer.Addrs {
		addrs = append(addrs, a.String())
	}
	return registrationJSON{Ns: r.Ns, PeerID: r.Peer.ID.String(), Addrs: addrs, TTL: int64(r.Ttl), Seq: seq, Envelope: hex.EncodeToString(env)}
}
