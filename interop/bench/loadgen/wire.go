package main

import (
	"encoding/binary"
	"errors"
	"fmt"

	"rendezvous.local/interop/peerkit"
)

// The two dialects are encoded by hand: a REGISTER and a DISCOVER are a handful of fields, and writing
// them directly keeps the generator free of protobuf registries (the reference's pb package registers
// names that other rendezvous packages also use) and of per-request reflection.

const (
	protoWaku       = "/vac/waku/rendezvous/0.0.1"
	protoRendezvous = "/rendezvous/1.0.0"
)

// dialect holds what differs on the wire between /vac/waku/rendezvous/0.0.1 and /rendezvous/1.0.0.
type dialect struct {
	name     string
	protocol string
	// field numbers of the top-level Message
	fDiscover, fDiscoverResponse int
	// message type numbers
	tDiscover, tRegisterResponse, tDiscoverResponse uint64
	// 1.0.0 is proto2 on the wire: REGISTER (0) is written explicitly; 0.0.1 (gogo proto3) omits it
	explicitRegisterType bool
	cookies              bool
}

var waku = dialect{
	name: "waku", protocol: protoWaku,
	fDiscover: 4, fDiscoverResponse: 5,
	tDiscover: 2, tRegisterResponse: 1, tDiscoverResponse: 3,
}

var rendezvous = dialect{
	name: "rendezvous", protocol: protoRendezvous,
	fDiscover: 5, fDiscoverResponse: 6,
	tDiscover: 3, tRegisterResponse: 1, tDiscoverResponse: 4,
	explicitRegisterType: true, cookies: true,
}

func dialectByName(name string) (dialect, error) {
	switch name {
	case "waku":
		return waku, nil
	case "rendezvous":
		return rendezvous, nil
	}
	return dialect{}, fmt.Errorf("unknown dialect %q (waku or rendezvous)", name)
}

func appendVarint(b []byte, v uint64) []byte { return binary.AppendUvarint(b, v) }

func appendTag(b []byte, field int, wireType int) []byte {
	return appendVarint(b, uint64(field<<3|wireType))
}

func appendBytesField(b []byte, field int, v []byte) []byte {
	b = appendTag(b, field, 2)
	b = appendVarint(b, uint64(len(v)))
	return append(b, v...)
}

func appendVarintField(b []byte, field int, v uint64) []byte {
	b = appendTag(b, field, 0)
	return appendVarint(b, v)
}

// registerFrame is a framed REGISTER{ns, signedPeerRecord, ttl}.
func (d dialect) registerFrame(ns string, envelope []byte, ttl uint64) []byte {
	var reg []byte
	reg = appendBytesField(reg, 1, []byte(ns))
	reg = appendBytesField(reg, 2, envelope)
	if ttl != 0 || d.explicitRegisterType {
		reg = appendVarintField(reg, 3, ttl)
	}
	var msg []byte
	if d.explicitRegisterType {
		msg = appendVarintField(msg, 1, 0)
	}
	msg = appendBytesField(msg, 2, reg)
	return peerkit.Frame(msg)
}

// discoverFrame is a framed DISCOVER{ns, limit[, cookie]}.
func (d dialect) discoverFrame(ns string, limit uint64, cookie []byte) []byte {
	var disc []byte
	disc = appendBytesField(disc, 1, []byte(ns))
	disc = appendVarintField(disc, 2, limit)
	if cookie != nil && d.cookies {
		disc = appendBytesField(disc, 3, cookie)
	}
	var msg []byte
	msg = appendVarintField(msg, 1, d.tDiscover)
	msg = appendBytesField(msg, d.fDiscover, disc)
	return peerkit.Frame(msg)
}

var errTruncated = errors.New("truncated protobuf")

// eachField walks the fields of one protobuf message. For varints v holds the value; for
// length-delimited fields b holds the bytes (aliasing the input). Groups and fixed widths are skipped.
func eachField(msg []byte, fn func(field int, v uint64, b []byte) error) error {
	for len(msg) > 0 {
		tag, n := binary.Uvarint(msg)
		if n <= 0 {
			return errTruncated
		}
		msg = msg[n:]
		field, wt := int(tag>>3), int(tag&7)
		switch wt {
		case 0:
			v, n := binary.Uvarint(msg)
			if n <= 0 {
				return errTruncated
			}
			msg = msg[n:]
			if err := fn(field, v, nil); err != nil {
				return err
			}
		case 2:
			l, n := binary.Uvarint(msg)
			if n <= 0 || uint64(len(msg)-n) < l {
				return errTruncated
			}
			b := msg[n : n+int(l)]
			msg = msg[n+int(l):]
			if err := fn(field, 0, b); err != nil {
				return err
			}
		case 1:
			if len(msg) < 8 {
				return errTruncated
			}
			msg = msg[8:]
		case 5:
			if len(msg) < 4 {
				return errTruncated
			}
			msg = msg[4:]
		default:
			return fmt.Errorf("unsupported wire type %d", wt)
		}
	}
	return nil
}

// registerResponse is what the generator needs of a REGISTER_RESPONSE.
type registerResponse struct {
	status uint64
	text   string
	ttl    uint64
}

func (d dialect) parseRegisterResponse(msg []byte) (registerResponse, error) {
	var r registerResponse
	err := parseResponse(msg, d.tRegisterResponse, 3, "REGISTER_RESPONSE", func(f int, v uint64, b []byte) error {
		switch f {
		case 1:
			r.status = v
		case 2:
			r.text = string(b)
		case 3:
			r.ttl = v
		}
		return nil
	})
	return r, err
}

// parseResponse checks that msg is a message of type typ carrying its response in field, and hands each
// field of that response to each.
func parseResponse(msg []byte, typ uint64, field int, name string, each func(f int, v uint64, b []byte) error) error {
	var got uint64
	seen := false
	err := eachField(msg, func(f int, v uint64, b []byte) error {
		switch f {
		case 1:
			got = v
		case field:
			seen = true
			return eachField(b, each)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if got != typ || !seen {
		return fmt.Errorf("not a %s (type %d)", name, got)
	}
	return nil
}

// discoverResponse is what the generator needs of a DISCOVER_RESPONSE: the envelopes returned (aliasing
// the response buffer), the cookie and the status.
type discoverResponse struct {
	status    uint64
	text      string
	envelopes [][]byte
	cookie    []byte
}

func (d dialect) parseDiscoverResponse(msg []byte) (discoverResponse, error) {
	var r discoverResponse
	err := parseResponse(msg, d.tDiscoverResponse, d.fDiscoverResponse, "DISCOVER_RESPONSE", func(f int, v uint64, b []byte) error {
		switch f {
		case 1:
			return eachField(b, func(rf int, _ uint64, rb []byte) error {
				if rf == 2 {
					r.envelopes = append(r.envelopes, rb)
				}
				return nil
			})
		case 2:
			if d.cookies {
				r.cookie = append([]byte(nil), b...)
			}
		case 3:
			r.status = v
		case 4:
			r.text = string(b)
		}
		return nil
	})
	return r, err
}
