// Run queries through Material's own search worker, as the search box does.
//
// Called with page.evaluate(script, {queries, index}) on any page of the site.
// `index` is a search index ({config, docs}) or null for the site's own
// search/search_index.json. The worker is the one the page names in its
// __config; it loads the same lunr language scripts the site loads. The result
// maps each query to the pages found, best first (as paths relative to the
// site, without #section), the way the search box groups them.
async ({ queries, index }) => {
  const config = JSON.parse(document.getElementById("__config").textContent)
  const base = new URL(config.base, location.href)
  if (index === null)
    index = await (await fetch(new URL("search/search_index.json", base))).json()
  const worker = new Worker(new URL(config.search, location.href))
  const reply = () => new Promise((resolve, reject) => {
    worker.addEventListener("message", event => resolve(event.data), { once: true })
    worker.addEventListener("error", event => reject(new Error(event.message)), { once: true })
  })
  try {
    const ready = reply()
    worker.postMessage({ type: 0, data: { config: index.config, docs: index.docs, options: { suggest: false } } })
    await ready  // SETUP (0) is answered by READY (1)
    const found = {}
    for (const query of queries) {
      const result = reply()
      worker.postMessage({ type: 2, data: query })  // QUERY (2) is answered by RESULT (3)
      const { data } = await result
      found[query] = data.items.map(group => group[0].location.split("#")[0])
    }
    return found
  } finally {
    worker.terminate()
  }
}
