/**
 * The admin server's web page: one self-contained HTML document that reads `/api/status` once a second
 * and shows what the point holds (identity, addresses, counts, namespaces; a namespace's registrations
 * when clicked). Namespaces and addresses come from peers, so the script only ever sets `textContent`.
 */
export const STATUS_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>rendezvous point</title>
<style>
  body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5em; color: #222; }
  h1 { font-size: 1.3em; margin: 0 0 .5em; }
  h2 { font-size: 1.1em; margin: 1.2em 0 .4em; }
  table { border-collapse: collapse; }
  th, td { text-align: left; padding: .2em .8em .2em 0; border-bottom: 1px solid #ddd; vertical-align: top; }
  td.n { text-align: right; font-variant-numeric: tabular-nums; }
  code, .mono { font-family: ui-monospace, monospace; font-size: 12px; word-break: break-all; }
  button.ns { background: none; border: none; color: #0645ad; cursor: pointer; padding: 0; font: inherit; text-decoration: underline; }
  #state { color: #666; }
  #state.down { color: #b00; font-weight: bold; }
</style>
</head>
<body>
<h1>rendezvous point</h1>
<p id="state">loading…</p>
<table id="facts"><tbody>
  <tr><th>peer ID</th><td class="mono" id="peer-id"></td></tr>
  <tr><th>version</th><td id="version"></td></tr>
  <tr><th>uptime</th><td id="uptime"></td></tr>
  <tr><th>store</th><td id="store"></td></tr>
  <tr><th>registrations</th><td id="registrations"></td></tr>
  <tr><th>connections</th><td id="connections"></td></tr>
  <tr><th>peer store</th><td id="peer-store"></td></tr>
  <tr><th>protocols</th><td id="protocols"></td></tr>
  <tr><th>addresses</th><td class="mono" id="addresses"></td></tr>
</tbody></table>
<h2>namespaces <span id="namespace-total"></span></h2>
<table id="namespaces"><thead><tr><th>namespace</th><th>registrations</th></tr></thead><tbody></tbody></table>
<p id="no-namespaces" hidden>no registrations</p>
<section id="detail" hidden>
<h2>registrations in <code id="detail-namespace"></code></h2>
<table id="registrations-table"><thead><tr><th>peer ID</th><th>addresses</th><th>format</th><th>expires in</th></tr></thead><tbody></tbody></table>
</section>
<script>
'use strict'
let selected = null
const $ = (id) => document.getElementById(id)
function text (id, value) { $(id).textContent = String(value) }
function duration (s) {
  if (s < 120) return s + ' s'
  if (s < 7200) return Math.floor(s / 60) + ' min'
  return Math.floor(s / 3600) + ' h ' + Math.floor((s % 3600) / 60) + ' min'
}
function row (cells) {
  const tr = document.createElement('tr')
  for (const c of cells) {
    const td = document.createElement('td')
    if (c instanceof Node) td.appendChild(c)
    else td.textContent = String(c)
    if (typeof c === 'number') td.className = 'n'
    tr.appendChild(td)
  }
  return tr
}
async function refresh () {
  try {
    const res = await fetch('api/status?limit=200', { cache: 'no-store' })
    if (!res.ok) throw new Error('HTTP ' + res.status)
    const s = await res.json()
    text('peer-id', s.peerId)
    text('version', s.version)
    text('uptime', duration(s.uptimeSeconds))
    text('store', s.store.kind + (s.store.path ? ' at ' + s.store.path : ''))
    text('registrations', s.registrations)
    text('connections', s.connections)
    text('peer-store', s.peerStore.peers + ' of ' + s.peerStore.limit + ' peers')
    text('protocols', s.protocols.join(', '))
    text('addresses', s.addresses.join('\\n'))
    $('addresses').style.whiteSpace = 'pre-line'
    text('namespace-total', '(' + s.namespaces.total + (s.namespaces.truncated ? '+, counted up to a cap' : '') + ')')
    const body = $('namespaces').tBodies[0]
    body.replaceChildren(...s.namespaces.items.map(n => {
      const b = document.createElement('button')
      b.className = 'ns'
      b.textContent = n.namespace === '' ? '(empty)' : n.namespace
      b.addEventListener('click', () => { selected = n.namespace; refreshDetail() })
      const tr = row([b, n.registrations])
      tr.dataset.namespace = n.namespace
      return tr
    }))
    $('no-namespaces').hidden = s.namespaces.total > 0
    const st = $('state')
    st.className = ''
    st.textContent = 'live, updated ' + new Date().toLocaleTimeString()
    await refreshDetail()
  } catch (err) {
    const st = $('state')
    st.className = 'down'
    st.textContent = 'cannot reach the point: ' + err.message
  }
}
async function refreshDetail () {
  if (selected == null) return
  const res = await fetch('api/namespaces/' + encodeURIComponent(selected) + '?limit=200', { cache: 'no-store' })
  if (!res.ok) return
  const d = await res.json()
  $('detail').hidden = false
  text('detail-namespace', d.namespace)
  $('registrations-table').tBodies[0].replaceChildren(...d.registrations.map(r => {
    const tr = row([r.peerId, r.addresses.join(' '), r.format, duration(r.remainingSeconds)])
    tr.dataset.peerId = r.peerId
    return tr
  }))
}
refresh()
setInterval(refresh, 1000)
</script>
</body>
</html>
`
