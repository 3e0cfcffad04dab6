package main

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"time"

	ggio "github.com/gogo/protobuf/io"
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/core/record"
	rendezvous "github.com/status-im/go-waku-rendezvous"
	pb "github.com/status-im/go-waku-rendezvous/pb"
)

// runRaw opens ONE stream with the rendezvous protocol and sends every op
// on it, reading each response before sending the next request. Requests
// are built with the reference's pb package and framed with gogo's
// delimited writer.
func runRaw(ctx context.Context, args []string, stdout io.Writer) int {
	out := newEmitter(stdout)
	sf, ops, sess, code := startSession(ctx, "raw", args, map[string]bool{"register": true, "discover": true, "sleep": true, "frame": true}, out)
	if sess == nil {
		return code
	}
	defer sess.h.Close()

	sctx, cancel := context.WithTimeout(ctx, *sf.timeout)
	s, err := sess.h.NewStream(sctx, sess.server.ID, rendezvous.RendezvousID_v001)
	cancel()
	if err != nil {
		out.errorf("new stream: %v", err)
		return 1
	}
	defer s.Close()

	rs := &rawStream{s: s, w: ggio.NewDelimitedWriter(s), tee: &bytes.Buffer{}}
	rs.r = ggio.NewDelimitedReader(&byteReader{r: s, tee: rs.tee}, network.MessageSizeMax)

	failed := 0
	for _, o := range ops {
		if ctx.Err() != nil {
			out.errorf("interrupted")
			return 1
		}
		ok := rs.do(ctx, out, sess, o, *sf.timeout)
		if !ok {
			failed++
			if *sf.strict {
				out.emit(doneEvent{Event: "done", Failed: failed})
				return 1
			}
		}
	}
	out.emit(doneEvent{Event: "done", Failed: failed})
	return 0
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

func streamEnd(err error) string {
	switch {
	case err == nil:
		return ""
	case errors.Is(err, io.EOF):
		return "eof"
	case errors.Is(err, network.ErrReset):
		return "reset"
	case errors.Is(err, os.ErrDeadlineExceeded):
		return "timeout"
	}
	return "error"
}

func (rs *rawStream) do(ctx context.Context, out *emitter, sess *session, o op, timeout time.Duration) bool {
	logf("raw op: %s", o)
	switch o.Name {
	case "discover":
		req := &pb.Message{Type: pb.Message_DISCOVER, Discover: &pb.Message_Discover{Ns: o.Ns, Limit: o.Limit}}
		res, got, err := rs.roundTrip(req, nil, timeout)
		ev := discoverEvent{Event: "discover", Ns: o.Ns, Limit: o.Limit, Registrations: []registrationJSON{}, Frame: hex.EncodeToString(got)}
		if err != nil {
			ev.Error = err.Error()
			out.emit(ev)
			return false
		}
		if res.GetType() != pb.Message_DISCOVER_RESPONSE {
			ev.Error = "unexpected response: " + res.GetType().String()
			out.emit(ev)
			return false
		}
		dr := res.GetDiscoverResponse()
		ev.OK = dr.GetStatus() == pb.Message_OK
		if !ev.OK {
			ev.Status = i32p(int32(dr.GetStatus()))
			ev.StatusText = strp(dr.GetStatusText())
		}
		for _, r := range dr.GetRegistrations() {
			ev.Registrations = append(ev.Registrations, registrationFromPB(r))
		}
		out.emit(ev)
		return ev.OK

	case "register":
		env, err := sealOwnRecord(sess)
		if err != nil {
			out.errorf("register: %v", err)
			return false
		}
		req := &pb.Message{Type: pb.Message_REGISTER, Register: &pb.Message_Register{Ns: o.Ns, SignedPeerRecord: env, Ttl: o.TTL}}
		res, got, err := rs.roundTrip(req, nil, timeout)
		ev := registerEvent{Event: "register", Ns: o.Ns, Envelope: hex.EncodeToString(env), Frame: hex.EncodeToString(got)}
		if err != nil {
			ev.Error = err.Error()
			out.emit(ev)
			return false
		}
		if res.GetType() != pb.Message_REGISTER_RESPONSE {
			ev.Error = "unexpected response: " + res.GetType().String()
			out.emit(ev)
			return false
		}
		rr := res.GetRegisterResponse()
		ev.OK = rr.GetStatus() == pb.Message_OK
		if ev.OK {
			ev.TTL = i64p(rr.GetTtl())
		} else {
			ev.Status = i32p(int32(rr.GetStatus()))
			ev.StatusText = strp(rr.GetStatusText())
		}
		out.emit(ev)
		return ev.OK

	case "frame":
		res, got, err := rs.roundTrip(nil, o.Hex, timeout)
		ev := rawEvent{Event: "frame", Sent: hex.EncodeToString(o.Hex), Frame: hex.EncodeToString(got)}
		if err != nil {
			ev.Error = err.Error()
			ev.StreamEnd = streamEnd(err)
			out.emit(ev)
			return false
		}
		ev.Type = i32p(int32(res.GetType()))
		out.emit(ev)
		return true

	case "sleep":
		return doSleep(ctx, out, o.Ms)
	}
	out.errorf("unsupported op %q", o.Name)
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
