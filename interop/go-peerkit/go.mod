module rendezvous.local/interop/peerkit

go 1.21
