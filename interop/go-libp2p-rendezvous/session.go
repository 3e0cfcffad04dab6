package main

import (
	"bufio"
	"context"
	"encoding/hex"
	"errors"
	"time"

	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/core/record"
	ma "github.com/multiformats/go-multiaddr"
	rendezvous "github.com/waku-org/go-libp2p-rendezvous"
	pb "github.com/waku-org/go-libp2p-rendezvous/pb"
	"rendezvous.local/interop/peerkit"
)

var modeOps = map[string]map[string]bool{
	"client": {"register": true, "discover": true, "unregister": true, "record": true, "sleep": true},
	"raw":    {"register": true, "discover": true, "frame": true},
}

// runSession connects to the server and runs the ops: through the library's
// client (RendezvousPoint) in client mode, or as frames on one stream in raw
// mode. One line per op, then {"event":"done"}.
func runSession(ctx context.Context, mode string, args []string, out *peerkit.Emitter) int {
	fs := stderrLog.FlagSet(mode)
	server := fs.String("server", "", "server multiaddr with /p2p/<peer id>")
	keyFile := fs.String("key", "", "private key file (libp2p protobuf)")
	timeout := fs.Duration("timeout", 10*time.Second, "bound of the connection and of each op")
	opsJSON := fs.String("ops-json", "[]", "the ops, a JSON list")
	if !out.Parse(fs, args) {
		return 2
	}
	ops, err := parseOps(*opsJSON, modeOps[mode])
	if err != nil {
		out.Errorf("%v", err)
		return 2
	}
	h, err := newHost(*keyFile, ma.StringCast("/ip4/127.0.0.1/tcp/0"))
	if err != nil {
		out.Errorf("host: %v", err)
		return 1
	}
	defer h.Close()
	cctx, cancel := context.WithTimeout(ctx, *timeout)
	serverID, err := connect(cctx, h, *server)
	cancel()
	if err != nil {
		out.Errorf("%v", err)
		return 1
	}
	out.Emit(peerkit.ReadyEvent{Event: "ready", Role: mode, PeerID: h.ID().String(), Multiaddrs: fullAddrs(h), ServerPeerID: serverID.String()})

	if mode == "raw" {
		runRaw(ctx, h, serverID, ops, *timeout, out)
	} else {
		runClient(ctx, h, serverID, ops, *timeout, out)
	}
	out.Emit(map[string]string{"event": "done"})
	return 0
}

func runClient(ctx context.Context, h host.Host, server peer.ID, ops []op, timeout time.Duration, out *peerkit.Emitter) {
	tap := &tapHost{Host: h, tap: &peerkit.Tap{}}
	rp := rendezvous.NewRendezvousPoint(tap, server)
	var lastCookie []byte
	for _, o := range ops {
		octx, cancel := context.WithTimeout(ctx, timeout)
		tap.tap.Reset(nil)
		res := result{Event: o.Op, Ns: peerkit.Ptr(o.Ns)}
		switch o.Op {
		case "register":
			ttl, err := rp.Register(octx, o.Ns, int(o.TTL))
			written, read := tap.tap.Captured()
			res.Frame = hex.EncodeToString(read)
			if msgs, e := decodeFrames(written); e == nil && len(msgs) == 1 {
				res.Envelope = hex.EncodeToString(msgs[0].GetRegister().GetSignedPeerRecord())
			}
			res.OK = err == nil
			if err != nil {
				fillError(err, &res)
			} else {
				res.TTL = peerkit.Ptr(int64(ttl / time.Second))
			}
		case "discover":
			cookie, err := cookieOf(o, lastCookie)
			if err != nil {
				res.Error = err.Error()
				break
			}
			regs, next, err := rp.Discover(octx, o.Ns, int(o.Limit), cookie)
			_, read := tap.tap.Captured()
			res.Frame = hex.EncodeToString(read)
			res.OK = err == nil
			if err != nil {
				fillError(err, &res)
				break
			}
			lastCookie = next
			if next != nil {
				res.Cookie = peerkit.Ptr(hex.EncodeToString(next))
			}
			res.Registrations, res.Skipped = withEnvelopes(regs, read)
		case "unregister":
			// the library writes UNREGISTER and closes the stream: no answer exists
			err := rp.Unregister(octx, o.Ns)
			res.OK = err == nil
			if err != nil {
				res.Error = err.Error()
			}
		case "record":
			msg, err := rendezvous.NewRegisterMessage(h.Peerstore().PrivKey(h.ID()), "record", peer.AddrInfo{ID: h.ID(), Addrs: h.Addrs()}, 0)
			res.OK = err == nil
			if err != nil {
				res.Error = err.Error()
			} else {
				res.Envelope = hex.EncodeToString(msg.GetRegister().GetSignedPeerRecord())
			}
		case "sleep":
			time.Sleep(time.Duration(o.Ms) * time.Millisecond)
			res.OK = true
		}
		cancel()
		out.Emit(res)
	}
}

// fillError reports the library's RendezvousError (status and text) or the
// plain error text.
func fillError(err error, res *result) {
	var rz rendezvous.RendezvousError
	if errors.As(err, &rz) {
		res.Status = peerkit.Ptr(int32(rz.Status))
		res.StatusText = peerkit.Ptr(rz.Text)
	}
	res.Error = err.Error()
}

// withEnvelopes pairs the registrations the library returned (it drops the
// ones whose record does not verify) with the raw registrations of the
// captured answer, for their exact envelope bytes.
func withEnvelopes(regs []rendezvous.Registration, read []byte) ([]registrationJSON, int) {
	var raw []*pb.Message_Register
	if msgs, err := decodeFrames(read); err == nil && len(msgs) == 1 {
		raw = msgs[0].GetDiscoverResponse().GetRegistrations()
	}
	out := []registrationJSON{}
	j := 0
	for _, r := range raw {
		if j >= len(regs) {
			break
		}
		_, rec, err := record.ConsumeEnvelope(r.GetSignedPeerRecord(), peer.PeerRecordEnvelopeDomain)
		pr, ok := rec.(*peer.PeerRecord)
		if err != nil || !ok || pr.PeerID != regs[j].Peer.ID {
			continue
		}
		out = append(out, registrationOf(regs[j], r.GetSignedPeerRecord()))
		j++
	}
	for ; j < len(regs); j++ {
		out = append(out, registrationOf(regs[j], nil))
	}
	return out, max(len(raw)-len(regs), 0)
}

func registrationOf(r rendezvous.Registration, envelope []byte) registrationJSON {
	addrs := []string{}
	for _, a := range r.Peer.Addrs {
		addrs = append(addrs, a.String())
	}
	return registrationJSON{Ns: r.Ns, PeerID: r.Peer.ID.String(), Addrs: addrs, TTL: int64(r.Ttl), Envelope: hex.EncodeToString(envelope)}
}

// runRaw writes every op's request on ONE stream and reads one answer frame
// for each before the next: requests built with the library's message
// constructors, or frames given verbatim.
func runRaw(ctx context.Context, h host.Host, server peer.ID, ops []op, timeout time.Duration, out *peerkit.Emitter) {
	sctx, cancel := context.WithTimeout(ctx, timeout)
	s, err := h.NewStream(sctx, server, rendezvous.RendezvousProto)
	cancel()
	if err != nil {
		out.Errorf("new stream: %v", err)
		return
	}
	defer s.Close()
	r := bufio.NewReader(s)
	var lastCookie []byte
	for _, o := range ops {
		res := result{Event: o.Op, Ns: peerkit.Ptr(o.Ns)}
		var req []byte
		switch o.Op {
		case "frame":
			res.Ns = nil
			req, _ = hex.DecodeString(o.Hex)
		case "register":
			msg, e := rendezvous.NewRegisterMessage(h.Peerstore().PrivKey(h.ID()), o.Ns, peer.AddrInfo{ID: h.ID(), Addrs: h.Addrs()}, int(o.TTL))
			if e == nil {
				res.Envelope = hex.EncodeToString(msg.GetRegister().GetSignedPeerRecord())
				req, err = frame(msg)
			} else {
				err = e
			}
		case "discover":
			cookie, e := cookieOf(o, lastCookie)
			if e == nil {
				req, err = frame(rendezvous.NewDiscoverMessage(o.Ns, int(o.Limit), cookie))
			} else {
				err = e
			}
		}
		if err != nil {
			res.Error = err.Error()
			out.Emit(res)
			continue
		}
		res.Sent = hex.EncodeToString(req)
		_ = s.SetDeadline(time.Now().Add(timeout))
		_, err = s.Write(req)
		var got []byte
		if err == nil {
			got, err = peerkit.ReadFrame(r, network.MessageSizeMax)
		}
		if err != nil {
			res.Error = err.Error()
			res.StreamEnd = streamEnd(err)
			out.Emit(res)
			// the stream is over: the ops after it get no answer either
			continue
		}
		res.OK = true
		res.Frame = hex.EncodeToString(got)
		if msgs, e := decodeFrames(got); e == nil && len(msgs) == 1 && msgs[0].GetDiscoverResponse() != nil {
			lastCookie = msgs[0].GetDiscoverResponse().GetCookie()
		}
		out.Emit(res)
	}
}
