package peerkit

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// Frame is body with its unsigned-varint length prefix, as both libraries'
// delimited writers put a message on the wire.
func Frame(body []byte) []byte {
	return append(binary.AppendUvarint(nil, uint64(len(body))), body...)
}

// ReadFrame reads exactly one length-prefixed frame of at most limit bytes and
// returns its bytes, prefix included.
func ReadFrame(r *bufio.Reader, limit uint64) ([]byte, error) {
	body, err := ReadFrameBody(r, limit)
	if err != nil {
		return nil, err
	}
	return Frame(body), nil
}

// ReadFrameBody reads exactly one length-prefixed frame of at most limit
// bytes and returns its body. A longer frame is refused before its body is
// read or any buffer of its size exists.
func ReadFrameBody(r *bufio.Reader, limit uint64) ([]byte, error) {
	size, err := binary.ReadUvarint(r)
	if err != nil {
		return nil, fmt.Errorf("read length: %w", err)
	}
	if size > limit {
		return nil, fmt.Errorf("frame of %d bytes", size)
	}
	body := make([]byte, size)
	if _, err := io.ReadFull(r, body); err != nil {
		return nil, fmt.Errorf("read body: %w", err)
	}
	return body, nil
}

// SplitFrames splits captured bytes into the bodies of their frames.
func SplitFrames(b []byte) ([][]byte, error) {
	var out [][]byte
	for len(b) > 0 {
		size, n := binary.Uvarint(b)
		if n <= 0 || uint64(len(b)-n) < size {
			return out, errors.New("truncated frame")
		}
		out = append(out, b[n:n+int(size)])
		b = b[n+int(size):]
	}
	return out, nil
}
