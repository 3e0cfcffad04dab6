package main

import (
	"crypto/ed25519"
	"encoding/hex"
	"io"

	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/core/record"
	ma "github.com/multiformats/go-multiaddr"
	pb "github.com/status-im/go-waku-rendezvous/pb"
	"rendezvous.local/interop/peerkit"
)

// defaultEnvelope seals a deterministic peer record: Ed25519 key from the
// seed 0x01..0x20, address /ip4/127.0.0.1/tcp/4001, seq 1. Ed25519
// signatures are deterministic, so the bytes are stable.
func defaultEnvelope() ([]byte, string, error) {
	seed := make([]byte, ed25519.SeedSize)
	for i := range seed {
		seed[i] = byte(i + 1)
	}
	priv, err := crypto.UnmarshalEd25519PrivateKey(ed25519.NewKeyFromSeed(seed))
	if err != nil {
		return nil, "", err
	}
	pid, err := peer.IDFromPrivateKey(priv)
	if err != nil {
		return nil, "", err
	}
	rec := &peer.PeerRecord{PeerID: pid, Addrs: []ma.Multiaddr{ma.StringCast("/ip4/127.0.0.1/tcp/4001")}, Seq: 1}
	env, err := record.Seal(rec, priv)
	if err != nil {
		return nil, "", err
	}
	b, err := env.Marshal()
	return b, pid.String(), err
}

type namedMsg struct {
	name string
	msg  *pb.Message
}

// fixedFrames is the fixed set of messages printed by the frames subcommand.
func fixedFrames(env []byte) []namedMsg {
	return []namedMsg{
		{"discover_ns_foo_limit_50", &pb.Message{Type: pb.Message_DISCOVER, Discover: &pb.Message_Discover{Ns: "foo", Limit: 50}}},
		{"register_response_ok_ttl_20", &pb.Message{Type: pb.Message_REGISTER_RESPONSE, RegisterResponse: &pb.Message_RegisterResponse{Status: pb.Message_OK, Ttl: 20}}},
		{"register_response_e_invalid_ttl", &pb.Message{Type: pb.Message_REGISTER_RESPONSE, RegisterResponse: &pb.Message_RegisterResponse{Status: pb.Message_E_INVALID_TTL, StatusText: "bad ttl"}}},
		{"discover_response_empty", &pb.Message{Type: pb.Message_DISCOVER_RESPONSE, DiscoverResponse: &pb.Message_DiscoverResponse{Status: pb.Message_OK}}},
		{"register_ns_foo_ttl_20", &pb.Message{Type: pb.Message_REGISTER, Register: &pb.Message_Register{Ns: "foo", SignedPeerRecord: env, Ttl: 20}}},
		{"discover_response_one", &pb.Message{Type: pb.Message_DISCOVER_RESPONSE, DiscoverResponse: &pb.Message_DiscoverResponse{Status: pb.Message_OK, Registrations: []*pb.Message_Register{{Ns: "foo", SignedPeerRecord: env, Ttl: 20}}}}},
		{"discover_response_e_invalid_namespace", &pb.Message{Type: pb.Message_DISCOVER_RESPONSE, DiscoverResponse: &pb.Message_DiscoverResponse{Status: pb.Message_E_INVALID_NAMESPACE, StatusText: "namespace too long"}}},
		{"register_response_e_invalid_peer_info", &pb.Message{Type: pb.Message_REGISTER_RESPONSE, RegisterResponse: &pb.Message_RegisterResponse{Status: pb.Message_E_INVALID_PEER_INFO, StatusText: "peer id mismatch"}}},
		{"register_response_e_internal_error", &pb.Message{Type: pb.Message_REGISTER_RESPONSE, RegisterResponse: &pb.Message_RegisterResponse{Status: pb.Message_E_INTERNAL_ERROR, StatusText: "x"}}},
	}
}

// envelopeEvent is the first line of the frames subcommand: the record the
// frames carry, with its peer when it is the deterministic one.
type envelopeEvent struct {
	Event  string `json:"event"`
	PeerID string `json:"peerId,omitempty"`
	Hex    string `json:"hex"`
}

// runFrames prints the fixed frames, each as a varint length-prefixed
// frame written by gogo's delimited writer from the reference's pb types.
func runFrames(args []string, stdout io.Writer) int {
	out := peerkit.NewEmitter(stdout, stderrLog)
	fs := stderrLog.FlagSet("frames")
	envHex := fs.String("envelope", "", "hex of the signedPeerRecord to embed (default: a deterministic record, printed first)")
	if !out.Parse(fs, args) {
		return 2
	}
	var env []byte
	if *envHex != "" {
		b, err := hex.DecodeString(*envHex)
		if err != nil {
			out.Errorf("--envelope: %v", err)
			return 2
		}
		env = b
		out.Emit(envelopeEvent{Event: "envelope", Hex: hex.EncodeToString(env)})
	} else {
		b, pid, err := defaultEnvelope()
		if err != nil {
			out.Errorf("default envelope: %v", err)
			return 1
		}
		env = b
		out.Emit(envelopeEvent{Event: "envelope", PeerID: pid, Hex: hex.EncodeToString(env)})
	}
	for _, nm := range fixedFrames(env) {
		b, err := frame(nm.msg)
		if err != nil {
			out.Errorf("%s: %v", nm.name, err)
			return 1
		}
		out.Emit(frameEvent{Event: "frame", Name: nm.name, Hex: hex.EncodeToString(b)})
	}
	return 0
}
