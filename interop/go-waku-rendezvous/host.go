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
	bhost "github.com/libp2p/go-libp2p/p2p/host/basic"
	"github.com/libp2p/go-libp2p/p2p/host/peerstore/pstoremem"
	msmux "github.com/libp2p/go-libp2p/p2p/muxer/muxer-multistream"
	"github.com/libp2p/go-libp2p/p2p/muxer/yamux"
	csms "github.com/libp2p/go-libp2p/p2p/net/conn-security-multistream"
	"github.com/libp2p/go-libp2p/p2p/net/swarm"
	tptu "github.com/libp2p/go-libp2p/p2p/net/upgrader"
	"github.com/libp2p/go-libp2p/p2p/security/noise"
	"github.com/libp2p/go-libp2p/p2p/transport/tcp"
	ma "github.com/multiformats/go-multiaddr"
)

// yamuxID is the multistream protocol ID of the yamux stream muxer.
const yamuxID = "/yamux/1.0.0"

// loadOrCreateKey returns the private key stored in path (raw
// crypto.MarshalPrivateKey bytes). If path does not exist a fresh Ed25519
// key is generated and written there. An empty path yields a fresh,
// unsaved Ed25519 key.
func loadOrCreateKey(path string) (crypto.PrivKey, error) {
	if path != "" {
		data, err := os.ReadFile(path)
		if err == nil {
			k, err := crypto.UnmarshalPrivateKey(data)
			if err != nil {
				return nil, fmt.Errorf("key file %s: %w", path, err)
			}
			return k, nil
		}
		if !errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("key file %s: %w", path, err)
		}
	}
	k, _, err := crypto.GenerateEd25519Key(rand.Reader)
	if err != nil {
		return nil, err
	}
	if path != "" {
		data, err := crypto.MarshalPrivateKey(k)
		if err != nil {
			return nil, err
		}
		if err := os.WriteFile(path, data, 0o600); err != nil {
			return nil, fmt.Errorf("writing key file %s: %w", path, err)
		}
	}
	return k, nil
}

// newHost assembles, for the key in keyFile (see loadOrCreateKey), a TCP-only libp2p host (Noise security, Yamux muxer,
// identify via the basic host) from go-libp2p v0.23 building blocks. It
// deliberately avoids the root go-libp2p package, which pulls in a QUIC
// implementation that does not compile on current Go.
func newHost(keyFile string, listen []ma.Multiaddr) (host.Host, error) {
	priv, err := loadOrCreateKey(keyFile)
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
	sw, err := swarm.NewSwarm(pid, ps)
	if err != nil {
		return nil, err
	}
	closeAll := func() { _ = sw.Close(); _ = ps.Close() }

	nz, err := noise.New(priv)
	if err != nil {
		closeAll()
		return nil, err
	}
	secMuxer := new(csms.SSMuxer)
	secMuxer.AddTransport(noise.ID, nz)

	muxMuxer := msmux.NewBlankTransport()
	muxMuxer.AddTransport(yamuxID, yamux.DefaultTransport)

	upg, err := tptu.New(secMuxer, muxMuxer)
	if err != nil {
		closeAll()
		return nil, err
	}
	tpt, err := tcp.NewTCPTransport(upg, nil)
	if err != nil {
		closeAll()
		return nil, err
	}
	if err := sw.AddTransport(tpt); err != nil {
		closeAll()
		return nil, err
	}
	if len(listen) > 0 {
		if err := sw.Listen(listen...); err != nil {
			closeAll()
			return nil, fmt.Errorf("listen: %w", err)
		}
	}
	h, err := bhost.NewHost(sw, &bhost.HostOpts{UserAgent: "go-rdv (go-waku-rendezvous interop)"})
	if err != nil {
		closeAll()
		return nil, err
	}
	h.Start()
	return h, nil
}

// fullAddrs returns the host's listen addresses with a /p2p/<id> suffix.
func fullAddrs(h host.Host) []string {
	out := []string{}
	p2p, err := ma.NewComponent("p2p", h.ID().String())
	if err != nil {
		return out
	}
	for _, a := range h.Addrs() {
		out = append(out, a.Encapsulate(p2p).String())
	}
	return out
}

// connectServer dials the server multiaddr (which must end in /p2p/<id>),
// waits for identify (the basic host does that inside Connect) and makes
// sure the peerstore lists the rendezvous protocol for the server, because
// the reference client only picks points whose protocols are known.
func connectServer(ctx context.Context, h host.Host, server string, proto string) (*peer.AddrInfo, []string, error) {
	maddr, err := ma.NewMultiaddr(server)
	if err != nil {
		return nil, nil, fmt.Errorf("bad --server multiaddr: %w", err)
	}
	info, err := peer.AddrInfoFromP2pAddr(maddr)
	if err != nil {
		return nil, nil, fmt.Errorf("bad --server multiaddr (needs /p2p/<peer id>): %w", err)
	}
	if err := h.Connect(ctx, *info); err != nil {
		return nil, nil, fmt.Errorf("connect %s: %w", server, err)
	}
	protos, err := h.Peerstore().GetProtocols(info.ID)
	if err != nil {
		return nil, nil, err
	}
	supported, err := h.Peerstore().SupportsProtocols(info.ID, proto)
	if err != nil {
		return nil, nil, err
	}
	if len(supported) == 0 {
		logf("server %s did not announce %s via identify; adding it to the peerstore manually", info.ID, proto)
		if err := h.Peerstore().AddProtocols(info.ID, proto); err != nil {
			return nil, nil, err
		}
	}
	if protos == nil {
		protos = []string{}
	}
	return info, protos, nil
}
