// Streamlit's own interface strings (the file uploader, select placeholders, the dataframe toolbar,
// the "Page not found" dialog, ...) are English only. In the Chinese UI this replaces them in the
// page as they appear: text nodes whose whole text matches, and the placeholder, title and
// aria-label attributes. Whole-text matches only, so data (a unit or file name) is never touched.
// One observer per page, whatever the number of reruns; the English UI switches it off.

const STATE = (window.__perfevalChrome = window.__perfevalChrome || { observer: null, rules: null })

function translate(text, rules) {
  const trimmed = text.trim()
  if (!trimmed) return null
  const exact = rules.exact[trimmed]
  if (exact !== undefined) return text.replace(trimmed, exact)
  for (const [pattern, replacement] of rules.patterns) {
    if (pattern.test(trimmed)) return text.replace(trimmed, trimmed.replace(pattern, replacement))
  }
  return null
}

const ATTRIBUTES = ["placeholder", "title", "aria-label"]

function sweep(root, rules) {
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT)
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const out = translate(node.nodeValue || "", rules)
    if (out !== null && out !== node.nodeValue) node.nodeValue = out
  }
  const elements = root.querySelectorAll ? root.querySelectorAll("[placeholder],[title],[aria-label]") : []
  for (const el of elements) {
    for (const name of ATTRIBUTES) {
      const value = el.getAttribute(name)
      if (!value) continue
      const out = translate(value, rules)
      if (out !== null && out !== value) el.setAttribute(name, out)
    }
  }
}

function compile(data) {
  return {
    exact: data.exact || {},
    patterns: (data.patterns || []).map(([source, replacement]) => [new RegExp(source), replacement]),
  }
}

export default function ({ data }) {
  if (STATE.observer) {
    STATE.observer.disconnect()
    STATE.observer = null
  }
  if (!data || data.lang !== "zh") return
  STATE.rules = compile(data)
  let queued = false
  const run = () => {
    queued = false
    sweep(document.body, STATE.rules)
  }
  STATE.observer = new MutationObserver(() => {
    if (!queued) {
      queued = true
      requestAnimationFrame(run)
    }
  })
  STATE.observer.observe(document.body, { childList: true, subtree: true, characterData: true,
                                          attributes: true, attributeFilter: ATTRIBUTES })
  run()
}
