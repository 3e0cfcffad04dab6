package main

import (
	"github.com/libp2p/go-libp2p/core/network"
	pb "github.com/waku-org/go-libp2p-rendezvous/pb"
	"google.golang.org/protobuf/proto"
	"rendezvous.local/interop/peerkit"
)

// frame is a message with its unsigned-varint length prefix, as the
// library's pbio writer puts it on the wire.
func frame(m *pb.Message) ([]byte, error) {
	body, err := proto.Marshal(m)
	if err != nil {
		return nil, err
	}
	return peerkit.Frame(body), nil
}

// decodeFrames splits captured bytes into messages.
func decodeFrames(b []byte) ([]*pb.Message, error) {
	bodies, err := peerkit.SplitFrames(b)
	if err != nil {
		return nil, err
	}
	out := make([]*pb.Message, 0, len(bodies))
	for _, body := range bodies {
		var m pb.Message
		if err := proto.Unmarshal(body, &m); err != nil {
			return out, err
		}
		out = append(out, &m)
	}
	return out, nil
}

// streamEnd names how a stream ended instead of answering.
func streamEnd(err error) string { return peerkit.StreamEnd(err, network.ErrReset) }
