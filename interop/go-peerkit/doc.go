// Package peerkit holds what the interop peer programs go-rdv and go-lrdv
// share: JSON lines on stdout, logs on stderr, length-prefixed frames, the
// recording of a stream's bytes and how a stream ended; the bench's load
// generator (bench/loadgen) frames and reads its requests with it too. The
// programs pin different go-libp2p versions, so this package imports no
// go-libp2p: what is typed by go-libp2p (hosts, streams, keys) stays in each.
package peerkit
