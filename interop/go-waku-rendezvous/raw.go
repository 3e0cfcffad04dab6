package main

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"io"
	"time"

	ggio "github.com/gogo/protobuf/io"
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/core/record"
	rendezvous "github.com/status-im/go-waku-rendezvous"
	pb "github.com/status-im/go-waku-rendezvous/pb"
	"rendezvous.local/interop/peerkit"
)

// runRaw opens ONE stream with the rendezvous protocol and sends every op
// on it, reading each response before sending the next request. Requests
// are built with the reference's pb package and framed with gogo's
// delimited writer.
func runRaw(ctx context.Context, args []string, stdout io.Writer) int {
	allowed := map[string]bool{"register": true, "discover": true, "sleep": true, "frame": true}
	return runSession(ctx, "raw", args, allowed, stdout, func(sf *sessionFlags, ops []op, sess *session) int {
		sctx, cancel := context.WithTimeout(ctx, *sf.timeout)
		s, err := sess.h.NewStream(sctx, sess.server.ID, rendezvous.RendezvousID_v001)
		cancel()
		if err != nil {
			sess.out.Errorf("new stream: %v", err)
			return 1
		}
		defer s.Close()

		rs := &rawStream{s: s, w: ggio.NewDelimitedWriter(s), tee: &bytes.Buffer{}}
		rs.r = ggio.NewDelimitedReader(&byteReader{r: s, tee: rs.tee}, network.MessageSizeMax)
		return runOps(ctx, sess.out, ops, *sf.strict, func(o op) bool {
			return rs.do(ctx, sess.out, sess, o, *sf.timeout)
		})
	})
}

type rawStream struct {
	s   network.Stream
	w   ggio.WriteCloser
	r   ggio.ReadCloser
	tee *bytes.Buffer
}

// roundTrip writes req (a pb message, or pre-framed bytes when raw != nil)
// and reads one response frame. It returns the decoded response and its
// exact bytes.
func (rs *rawStream) roundTrip(req *pb.Message, raw []byte, timeout time.Duration) (*pb.Message, []byte, error) {
	_ = rs.s.SetDeadline(time.Now().Add(timeout))
	defer func() { _ = rs.s.SetDeadline(time.Time{}) }()
	var err error
	if raw != nil {
		_, err = rs.s.Write(raw)
	} else {
		err = rs.w.WriteMsg(req)
	}
	if err != nil {
		return nil, nil, err
	}
	rs.tee.Reset()
	var res pb.Message
	err = rs.r.ReadMsg(&res)
	got := append([]byte(nil), rs.tee.Bytes()...)
	if err != nil {
		return nil, got, err
	}
	return &res, got, nil
}

// exchange is a round trip whose answer must be of type want: the answer,
// or nil with the error recorded in a. The frame read is recorded either way.
func (rs *rawStream) exchange(req *pb.Message, want pb.Message_MessageType, timeout time.Duration, a *answer) *pb.Message {
	res, got, err := rs.roundTrip(req, nil, timeout)
	a.Frame = hex.EncodeToString(got)
	if err == nil && res.GetType() != want {
		err = errors.New("unexpected response: " + res.GetType().String())
	}
	if err != nil {
		a.Error = err.Error()
		return nil
	}
	return res
}

// streamEnd names how a stream ended instead of answering.
func streamEnd(err error) string { return peerkit.StreamEnd(err, network.ErrReset) }

func (rs *rawStream) do(ctx context.Context, out *peerkit.Emitter, sess *session, o op, timeout time.Duration) bool {
	logf("raw op: %s", o)
	switch o.Name {
	case "discover":
		req := &pb.Message{Type: pb.Message_DISCOVER, Discover: &pb.Message_Discover{Ns: o.Ns, Limit: o.Limit}}
		ev := discoverEvent{Event: "discover", Ns: o.Ns, Limit: o.Limit, Registrations: []registrationJSON{}}
		if res := rs.exchange(req, pb.Message_DISCOVER_RESPONSE, timeout, &ev.answer); res != nil {
			dr := res.GetDiscoverResponse()
			ev.status(dr.GetStatus(), dr.GetStatusText())
			for _, r := range dr.GetRegistrations() {
				ev.Registrations = append(ev.Registrations, registrationFromPB(r))
			}
		}
		out.Emit(ev)
		return ev.OK

	case "register":
		env, err := sealOwnRecord(sess)
		if err != nil {
			out.Errorf("register: %v", err)
			return false
		}
		req := &pb.Message{Type: pb.Message_REGISTER, Register: &pb.Message_Register{Ns: o.Ns, SignedPeerRecord: env, Ttl: o.TTL}}
		ev := registerEvent{Event: "register", Ns: o.Ns, Envelope: hex.EncodeToString(env)}
		if res := rs.exchange(req, pb.Message_REGISTER_RESPONSE, timeout, &ev.answer); res != nil {
			rr := res.GetRegisterResponse()
			if ev.status(rr.GetStatus(), rr.GetStatusText()) {
				ev.TTL = peerkit.Ptr(rr.GetTtl())
			}
		}
		out.Emit(ev)
		return ev.OK

	case "frame":
		res, got, err := rs.roundTrip(nil, o.Hex, timeout)
		ev := rawEvent{Event: "frame", Sent: hex.EncodeToString(o.Hex), Frame: hex.EncodeToString(got)}
		if err != nil {
			ev.Error = err.Error()
			ev.StreamEnd = streamEnd(err)
			out.Emit(ev)
			return false
		}
		ev.Type = peerkit.Ptr(int32(res.GetType()))
		out.Emit(ev)
		return true

	case "sleep":
		return doSleep(ctx, out, o.Ms)
	}
	out.Errorf("unsupported op %q", o.Name)
	return false
}

// sealOwnRecord builds the same record the reference client builds
// (this host's peer ID and addresses, seq = unix seconds) and seals it
// with go-libp2p's record.Seal.
func sealOwnRecord(sess *session) ([]byte, error) {
	priv := sess.h.Peerstore().PrivKey(sess.h.ID())
	rec := &peer.PeerRecord{PeerID: sess.h.ID(), Addrs: sess.h.Addrs(), Seq: uint64(time.Now().Unix())}
	env, err := record.Seal(rec, priv)
	if err != nil {
		return nil, err
	}
	return env.Marshal()
}
