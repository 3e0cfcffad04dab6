package main

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/libp2p/go-libp2p/core/network"
	pb "github.com/waku-org/go-libp2p-rendezvous/pb"
	"google.golang.org/protobuf/proto"
)

// frame is a message with its unsigned-varint length prefix, as the
// library's pbio writer puts it on the wire.
func frame(m *pb.Message) ([]byte, error) {
	body, err := proto.Marshal(m)
	if err != nil {
		return nil, err
	}
	return append(binary.AppendUvarint(nil, uint64(len(body))), body...), nil
}

// readFrame reads exactly one length-prefixed frame and returns its bytes,
// prefix included.
func readFrame(r *bufio.Reader) ([]byte, error) {
	size, err := binary.ReadUvarint(r)
	if err != nil {
		return nil, err
	}
	if size > network.MessageSizeMax {
		return nil, fmt.Errorf("frame of %d bytes", size)
	}
	body := make([]byte, size)
	if _, err := io.ReadFull(r, body); err != nil {
		return nil, err
	}
	return append(binary.AppendUvarint(nil, size), body...), nil
}

// decodeFrames splits captured bytes into messages.
func decodeFrames(b []byte) ([]*pb.Message, error) {
	var out []*pb.Message
	for len(b) > 0 {
		size, n := binary.Uvarint(b)
		if n <= 0 || uint64(len(b)-n) < size {
			return out, errors.New("truncated frame")
		}
		var m pb.Message
		if err := proto.Unmarshal(b[n:n+int(size)], &m); err != nil {
			return out, err
		}
		out = append(out, &m)
		b = b[n+int(size):]
	}
	return out, nil
}

// streamEnd names how a stream ended instead of answering.
func streamEnd(err error) string {
	switch {
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "eof"
	case errors.Is(err, network.ErrReset):
		return "reset"
	case errors.Is(err, os.ErrDeadlineExceeded):
		return "timeout"
	}
	return "error"
}
