// NocoDB 0.301.3 resolves the links of a list of rows one row after the other (`nocoExecute` awaits each
// row before starting the next), so the DataLoaders it builds to fetch linked records in batches never see
// more than one row: after a bulk insert it re-reads the new rows and lists the linked table once per row
// that carries a link (~3 ms a row on 2 cores, measured with node --cpu-prof). Resolving the rows together,
// as those DataLoaders expect, fetches the linked records of a whole request at once: each row still gets
// its own result, in the same order. This file rewrites that one loop of NocoDB's bundle when Node loads
// it; NocoDB's files on disk are not changed. If the loop is not found exactly once (another NocoDB
// version), NocoDB does not start, rather than run unpatched without anyone noticing.
const fs = require('fs');
const Module = require('module');

const SEQUENTIAL = '{let i=[];for(let n=0;n<t.length;n++){let o=t[n];a[n]=a[n]||{},i.push(await s(e,o,a[n],r))}return i}';
const TOGETHER = '{return Promise.all(t.map((o,n)=>(a[n]=a[n]||{},s(e,o,a[n],r))))}';

function batchRowLinks(source) {
  const found = source.split(SEQUENTIAL).length - 1;
  if (found !== 1) {
    throw new Error(`batch_row_links.js: NocoDB's row loop found ${found} times instead of once (NocoDB 0.301.3 expected)`);
  }
  return source.replace(SEQUENTIAL, TOGETHER);
}

function patchWhenLoaded(bundlePath) {
  const loadJs = Module._extensions['.js'];
  Module._extensions['.js'] = function (module, filename) {
    if (filename !== bundlePath) return loadJs(module, filename);
    module._compile(batchRowLinks(fs.readFileSync(filename, 'utf8')), filename);
  };
}

module.exports = { batchRowLinks, patchWhenLoaded };
