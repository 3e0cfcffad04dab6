package main

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"os"

	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/core/sec"
	bhost "github.com/libp2p/go-libp2p/p2p/host/basic"
	"github.com/libp2p/go-libp2p/p2p/host/eventbus"
	"github.com/libp2p/go-libp2p/p2p/host/peerstore/pstoremem"
	"github.com/libp2p/go-libp2p/p2p/muxer/yamux"
	"github.com/libp2p/go-libp2p/p2p/net/swarm"
	tptu "github.com/libp2p/go-libp2p/p2p/net/upgrader"
	"github.com/libp2p/go-libp2p/p2p/security/noise"
	"github.com/libp2p/go-libp2p/p2p/transport/tcp"
	ma "github.com/multiformats/go-multiaddr"
)

// userAgent is what identify announces; go-libp2p's own default would be the
// binary's module path.
const userAgent = "go-libp2p/0.32.2 go-libp2p-rendezvous (interop go-lrdv)"

// loadKey reads a libp2p protobuf private key from path, or makes a fresh
// Ed25519 key when path is empty.
func loadKey(path string) (crypto.PrivKey, error) {
	if path == "" {
		k, _, err := crypto.GenerateEd25519Key(rand.Reader)
		return k, err
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("key file: %w", err)
	}
	return crypto.UnmarshalPrivateKey(data)
}

// newHost assembles, for the key in keyFile (a fresh one without it), a TCP + Noise + Yamux host with identify from go-libp2p
// v0.32.2's parts. The root go-libp2p package is left out on purpose: it
// brings QUIC and WebTransport, which are not needed here and make the
// build slower and more fragile on new Go releases.
func newHost(keyFile string, listen ma.Multiaddr) (host.Host, error) {
	priv, err := loadKey(keyFile)
	if err != nil {
		return nil, err
	}
	pid, err := peer.IDFromPrivateKey(priv)
	if err != nil {
		return nil, err
	}
	ps, err := pstoremem.NewPeerstore()
	if err != nil {
		return nil, err
	}
	if err := ps.AddPrivKey(pid, priv); err != nil {
		return nil, err
	}
	if err := ps.AddPubKey(pid, priv.GetPublic()); err != nil {
		return nil, err
	}
	bus := eventbus.NewBus()
	sw, err := swarm.NewSwarm(pid, ps, bus)
	if err != nil {
		return nil, err
	}
	muxers := []tptu.StreamMuxer{{ID: yamux.ID, Muxer: yamux.DefaultTransport}}
	nz, err := noise.New(noise.ID, priv, muxers)
	if err != nil {
		_ = sw.Close()
		return nil, err
	}
	upg, err := tptu.New([]sec.SecureTransport{nz}, muxers, nil, nil, nil)
	if err != nil {
		_ = sw.Close()
		return nil, err
	}
	tpt, err := tcp.NewTCPTransport(upg, nil)
	if err != nil {
		_ = sw.Close()
		return nil, err
	}
	if err := sw.AddTransport(tpt); err != nil {
		_ = sw.Close()
		return nil, err
	}
	if err := sw.Listen(listen); err != nil {
		_ = sw.Close()
		return nil, fmt.Errorf("listen: %w", err)
	}
	h, err := bhost.NewHost(sw, &bhost.HostOpts{EventBus: bus, UserAgent: userAgent})
	if err != nil {
		_ = sw.Close()
		return nil, err
	}
	h.Start()
	return h, nil
}

// fullAddrs are the host's listen addresses with /p2p/<id>.
func fullAddrs(h host.Host) []string {
	out := []string{}
	for _, a := range h.Addrs() {
		out = append(out, a.String()+"/p2p/"+h.ID().String())
	}
	return out
}

// connect dials the server (a multiaddr ending in /p2p/<id>) and waits for
// identify, which the basic host runs inside Connect.
func connect(ctx context.Context, h host.Host, server string) (peer.ID, error) {
	maddr, err := ma.NewMultiaddr(server)
	if err != nil {
		return "", fmt.Errorf("bad --server multiaddr: %w", err)
	}
	info, err := peer.AddrInfoFromP2pAddr(maddr)
	if err != nil {
		return "", errors.New("--server needs /p2p/<peer id>")
	}
	if err := h.Connect(ctx, *info); err != nil {
		return "", fmt.Errorf("connect %s: %w", server, err)
	}
	return info.ID, nil
}
