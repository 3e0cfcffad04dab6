package main

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"io"

	ggio "github.com/gogo/protobuf/io"
	inet "github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/core/record"
	pb "github.com/status-im/go-waku-rendezvous/pb"
	"rendezvous.local/interop/peerkit"
)

// frame marshals msg with the reference's gogo-generated code and gogo's
// varint-delimited writer, exactly as the reference client and server do.
func frame(msg *pb.Message) ([]byte, error) {
	var buf bytes.Buffer
	if err := ggio.NewDelimitedWriter(&buf).WriteMsg(msg); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// readFrames decodes every complete delimited message in data.
func readFrames(data []byte) ([]*pb.Message, error) {
	r := ggio.NewDelimitedReader(bytes.NewReader(data), inet.MessageSizeMax)
	var out []*pb.Message
	for {
		var m pb.Message
		if err := r.ReadMsg(&m); err != nil {
			if err == io.EOF {
				return out, nil
			}
			return out, err
		}
		mm := m
		out = append(out, &mm)
	}
}

// decodeEnvelope parses a signedPeerRecord the way the reference client
// does (record.UnmarshalEnvelope + TypedRecord, i.e. without verifying the
// signature or the domain).
func decodeEnvelope(b []byte) (*peer.PeerRecord, error) {
	env, err := record.UnmarshalEnvelope(b)
	if err != nil {
		return nil, err
	}
	var rec peer.PeerRecord
	if err := env.TypedRecord(&rec); err != nil {
		return nil, err
	}
	return &rec, nil
}

func addrStrings(rec *peer.PeerRecord) []string {
	out := []string{}
	for _, a := range rec.Addrs {
		out = append(out, a.String())
	}
	return out
}

// registrationFromPB turns a registration of a DISCOVER_RESPONSE into JSON,
// decoding its envelope without verification.
func registrationFromPB(r *pb.Message_Register) registrationJSON {
	j := registrationJSON{
		Ns:       r.GetNs(),
		TTL:      r.GetTtl(),
		Addrs:    []string{},
		Envelope: hex.EncodeToString(r.GetSignedPeerRecord()),
	}
	if rec, err := decodeEnvelope(r.GetSignedPeerRecord()); err == nil {
		j.PeerID = rec.PeerID.String()
		j.Addrs = addrStrings(rec)
		j.Seq = peerkit.Ptr(rec.Seq)
	}
	return j
}

func mustHex(s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		panic(fmt.Sprintf("bad hex %q: %v", s, err))
	}
	return b
}
