// The what-if page's ranking: a slope chart (official rank -> scenario rank) and a table, drawn in
// the browser. The server sends the scenario it scored (`data.scenario`) and, when the page allows
// it, each unit's points per point of level-1 weight (`data.basis`, units x level-1). While a
// level-1 slider is moved by the user (keys or pointer), this rescores every unit from the slider's
// value at once (rebalancing the other weights as the server will), without waiting for the
// server's rerun; when the rerun's data arrives it draws that, which is the same ranking.
// Keep the arithmetic in step with perfeval_core: whatif.rebalance and charts.rank_slope_data.
// Ratings and ranks follow model.rating, whose rule arrives with the data (`data.rule`: threshold
// cents, labels and the nudge of its half-up cents), so nothing here holds a threshold of its own.

const INSTANCES = new WeakMap()
const SVG = "http://www.w3.org/2000/svg"
const ROW_PX = 26
const LABEL_PX = 190
const SPAN_PX = 380

function cents(x, rule) {  // model.rating.cents: half up on the decimal value, in cents
  return Math.sign(x) * Math.floor(Math.abs(x) * 100 + 0.5 + rule.nudge)
}

function bandOf(total, rule) {
  if (!Number.isFinite(total)) return -1
  const c = cents(total, rule)
  let band = rule.threshold_cents.length
  for (const t of rule.threshold_cents) if (c >= t) band -= 1
  return band
}

function ranks(totals, rule) {  // model.rating.competition_rank: by cents, 1, 2, 2, 4
  const c = totals.map((t) => cents(t, rule))
  const order = c.map((_, i) => i).sort((a, b) => c[b] - c[a])
  const out = new Array(totals.length)
  order.forEach((i, p) => {
    out[i] = p > 0 && c[order[p - 1]] === c[i] ? out[order[p - 1]] : p + 1
  })
  return out
}

function rebalance(weights, codes, moved, value, locked, total = 100) {
  const fixed = new Set(locked.filter((c) => c !== moved && codes.includes(c)))
  const free = codes.filter((c) => c !== moved && !fixed.has(c))
  const room = Math.max(total - [...fixed].reduce((s, c) => s + weights[c], 0), 0)
  if (!free.length) value = room
  value = Math.min(Math.max(value, 0), room)
  const current = free.map((c) => Math.max(weights[c], 0))
  const sum = current.reduce((a, b) => a + b, 0)
  const round6 = (x) => Math.round(x * 1e6) / 1e6  // Python's round(x, 6), but for exact halves
  const out = { ...weights, [moved]: round6(value) }
  free.forEach((c, i) => { out[c] = round6((room - value) * (sum > 0 ? current[i] / sum : 1 / free.length)) })
  if (free.length) {  // the rounding residual goes to the largest free weight (the first of equals)
    const residual = round6(total - codes.reduce((s, c) => s + out[c], 0))
    const biggest = free.reduce((best, c) => (out[c] > out[best] ? c : best), free[0])
    out[biggest] = round6(out[biggest] + residual)
  }
  return out
}

function rescore(data, weights) {
  const w = data.codes.map((c) => weights[c])
  const total = data.basis.map((row) => row.reduce((s, b, k) => s + b * w[k], 0))
  return { total, rank: ranks(total, data.rule), rating: total.map((t) => data.rule.labels[bandOf(t, data.rule)] ?? "") }
}

function fmt(x, rule) {  // to the cent, half up on the decimal value as the reports round (model.rating)
  if (!Number.isFinite(x)) return "—"
  return (cents(x, rule) / 100).toFixed(2)
}

function el(tag, attrs = {}, text = null, ns = null) {
  const node = ns ? document.createElementNS(ns, tag) : document.createElement(tag)
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v)
  if (text !== null) node.textContent = text
  return node
}

function slope(data, scenario, width) {
  const n = data.units.length
  const off = data.official
  let keep = [...Array(n).keys()]
  if (n > data.limit) {  // the biggest movers, best official rank first among equals
    keep.sort((a, b) => Math.abs(off.rank[b] - scenario.rank[b]) - Math.abs(off.rank[a] - scenario.rank[a])
      || off.rank[a] - off.rank[b])
    keep = keep.slice(0, data.limit)
  }
  const place = (ranking) => {  // the rank, or the place among the units drawn (rank, then name)
    if (n <= data.limit) return (i) => ranking[i]
    const order = [...keep].sort((a, b) => ranking[a] - ranking[b] || (data.units[a] < data.units[b] ? -1 : 1))
    const pos = new Map(order.map((i, p) => [i, p + 1]))
    return (i) => pos.get(i)
  }
  const left = place(off.rank)
  const right = place(scenario.rank)
  const rows = Math.max(keep.length, 1)
  const height = 34 + rows * ROW_PX
  const span = Math.min(Math.max(width - 2 * LABEL_PX, 120), SPAN_PX)  // slopes stay readable when wide
  const x0 = LABEL_PX
  const x1 = x0 + span
  const y = (p) => 34 + (p - 0.5) * ROW_PX
  const svg = el("svg", { width: String(x1 + LABEL_PX), height: String(height), role: "img",
    viewBox: `0 0 ${x1 + LABEL_PX} ${height}`, "aria-label": data.text.chart }, null, SVG)  // scales down
  svg.append(el("text", { x: String(x0), y: "16", "text-anchor": "middle", class: "head" }, data.text.official, SVG))
  svg.append(el("text", { x: String(x1), y: "16", "text-anchor": "middle", class: "head" }, data.text.scenario, SVG))
  for (const i of keep) {
    const change = scenario.rank[i] < off.rank[i] ? "up" : scenario.rank[i] > off.rank[i] ? "down" : "same"
    const color = data.change_colors[change]
    const ya = y(left(i))
    const yb = y(right(i))
    const g = el("g", { "data-unit": data.units[i] }, null, SVG)
    g.append(el("title", {}, `${data.units[i]}：${off.rank[i]} → ${scenario.rank[i]}（${fmt(off.total[i], data.rule)} → ${fmt(scenario.total[i], data.rule)}）`, SVG))
    g.append(el("line", { x1: String(x0), y1: String(ya), x2: String(x1), y2: String(yb), stroke: color,
      "stroke-width": "2.5" }, null, SVG))
    g.append(el("circle", { cx: String(x0), cy: String(ya), r: "5", fill: color }, null, SVG))
    g.append(el("circle", { cx: String(x1), cy: String(yb), r: "5", fill: color }, null, SVG))
    g.append(el("text", { x: String(x0 - 10), y: String(ya + 4), "text-anchor": "end" },
      `${off.rank[i]}. ${data.units[i]}`, SVG))
    g.append(el("text", { x: String(x1 + 10), y: String(yb + 4), "text-anchor": "start", class: "scenario-label" },
      `${scenario.rank[i]}. ${data.units[i]}`, SVG))
    svg.append(g)
  }
  return svg
}

function table(data, scenario) {
  const off = data.official
  const order = [...data.units.keys()].sort((a, b) => scenario.rank[a] - scenario.rank[b]
    || off.rank[a] - off.rank[b] || (data.units[a] < data.units[b] ? -1 : 1))
  const shown = order.slice(0, data.max_rows)
  const t = data.text
  const wrap = el("div", { class: "table-wrap" })
  const tbl = el("table")
  const head = el("tr")
  for (const label of [t.unit, `${t.official}·${t.total}`, `${t.scenario}·${t.total}`, t.delta,
    `${t.official}·${t.rank}`, `${t.scenario}·${t.rank}`, `${t.official}·${t.rating}`, `${t.scenario}·${t.rating}`]) {
    head.append(el("th", {}, label))
  }
  const thead = el("thead")
  thead.append(head)
  tbl.append(thead)
  const body = el("tbody")
  for (const i of shown) {
    const delta = scenario.total[i] - off.total[i]
    const tr = el("tr", { "data-unit": data.units[i] })
    tr.append(el("td", { class: "unit" }, data.units[i]))
    tr.append(el("td", { class: "num" }, fmt(off.total[i], data.rule)))
    tr.append(el("td", { class: "num scenario-total" }, fmt(scenario.total[i], data.rule)))
    const d = Math.abs(delta) < 0.005 ? "0.00" : (delta > 0 ? "+" : "") + delta.toFixed(2)
    tr.append(el("td", { class: `num ${delta >= 0.005 ? "up" : delta <= -0.005 ? "down" : ""}` }, d))
    tr.append(el("td", { class: "num" }, String(off.rank[i])))
    const moved = scenario.rank[i] < off.rank[i] ? "up" : scenario.rank[i] > off.rank[i] ? "down" : ""
    tr.append(el("td", { class: `num scenario-rank ${moved}` }, String(scenario.rank[i])))
    for (const [rating, extra] of [[off.rating[i], ""], [scenario.rating[i], "scenario-rating"]]) {
      const cell = el("td", { class: `rating ${extra}` }, rating || "—")
      cell.style.color = data.colors[rating] || "inherit"
      if (extra && rating !== off.rating[i]) cell.classList.add("changed")
      tr.append(cell)
    }
    body.append(tr)
  }
  tbl.append(body)
  wrap.append(tbl)
  return wrap
}

function draw(inst, scenario, source) {
  const { data, root } = inst
  const width = Math.max(root.clientWidth || 640, 360)
  const chart = el("div", { class: "chart" })
  const title = data.units.length > data.limit
    ? `${data.text.chart}${data.text.movers}` : data.text.chart
  const legend = el("div", { class: "legend" })
  for (const change of ["up", "same", "down"]) {
    const item = el("span", { class: "key" }, data.text[change])
    item.prepend(el("i", { style: `background:${data.change_colors[change]}` }))
    legend.append(item)
  }
  chart.append(el("div", { class: "title" }, title), legend, slope(data, scenario, width))
  const parts = [chart, el("div", { class: "title" }, data.text.table), table(data, scenario)]
  if (data.units.length > data.max_rows) parts.push(el("div", { class: "note" }, data.text.rows))
  root.replaceChildren(...parts)
  root.dataset.source = source
  root.dispatchEvent(new CustomEvent("perfeval-live", { bubbles: true, composed: true,
    detail: { source, at: performance.now() } }))
}

function watchSliders(inst) {
  // the level-1 sliders are Streamlit widgets elsewhere on the page: follow their range inputs,
  // but only the one the user is working (key or pointer in it); the rerun also moves the others
  for (const [code, key] of Object.entries(inst.data.sliders)) {
    const box = document.querySelector(`.st-key-${key}`)
    const input = box && box.querySelector('input[type="range"]')
    if (!input || inst.watched.get(code) === input) continue
    inst.watched.set(code, input)
    const mark = () => { inst.active = code; inst.activeAt = performance.now() }
    box.addEventListener("keydown", mark, true)
    box.addEventListener("pointerdown", mark, true)
    const observer = new MutationObserver(() => {
      if (inst.active !== code || performance.now() - inst.activeAt > 3000) return
      const data = inst.data
      if (!data.basis) return  // this page cannot rescore here: the rerun will draw it
      const value = parseFloat(input.value)
      const truth = Object.fromEntries(data.codes.map((c, k) => [c, data.truth[k]]))
      if (!Number.isFinite(value) || Math.abs(value - truth[code]) < 1e-9) return
      draw(inst, rescore(data, rebalance(truth, data.codes, code, value, data.locked)), "preview")
    })
    observer.observe(input, { attributes: true, attributeFilter: ["value"] })
    inst.observers.push(observer)
  }
}

export default function (component) {
  const { data, parentElement } = component
  let inst = INSTANCES.get(parentElement)
  if (!inst) {
    const root = el("div", { class: "live-ranking" })
    parentElement.append(root)
    inst = { root, watched: new Map(), observers: [], active: null, activeAt: 0, data }
    INSTANCES.set(parentElement, inst)
  }
  inst.data = data
  if (!data || !data.units) return
  draw(inst, data.scenario, "server")
  watchSliders(inst)
  // the sliders may be drawn after this component on a first, slow load: look again until every one
  // is followed (a few seconds at most), or the first move would wait for the server
  clearTimeout(inst.retry)
  let tries = 0
  const again = () => {
    if (Object.keys(inst.data.sliders || {}).every((code) => inst.watched.has(code)) || ++tries > 50) return
    watchSliders(inst)
    inst.retry = setTimeout(again, 200)
  }
  inst.retry = setTimeout(again, 200)
  return () => {
    clearTimeout(inst.retry)
    for (const o of inst.observers) o.disconnect()
    INSTANCES.delete(parentElement)
  }
}
