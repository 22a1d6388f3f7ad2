'use strict';
// usearch driver for the VelesDB ANN harness (benchmarks/VelesDb.AnnBench).
//
// Usage (the same arguments as native/hnswlib_driver.cpp):
//   node usearch_driver.js <base.fvecs> <query.fvecs> <nq> <M> <ef_construction> <ef,ef,...> <k>
//                          <build_threads> <repeats> <warmup> <out.txt>
//
// connectivity = M, expansion_add = ef_construction, expansion_search = ef, metric l2sq, f32.
// The JavaScript binding fixes expansion_search at construction, so the index is built once,
// saved to a temporary file, and loaded into a fresh Index per ef (loading keeps the graph and
// takes the new expansion_search). Queries run one at a time on one thread (threads = 1), so the
// per-query latency includes what the binding costs per call (N-API plus its executor, measured
// at 15-20 us on a 2-core VM). To show usearch's own speed too, each ef is also timed as one
// batch call over all queries with threads = 1 (`batch_seconds`, best of the repeats).
// Writes the same text protocol as the hnswlib driver; the harness computes recall and
// percentiles identically for all engines.

const fs = require('fs');
const os = require('os');
const path = require('path');
const usearch = require('usearch');

// Reads a TEXMEX .fvecs file, validating every row's dimension and the total size.
function readFvecs(file) {
  const buf = fs.readFileSync(file);
  if (buf.length < 4) throw new Error(`${file}: too short`);
  const dim = buf.readInt32LE(0);
  if (dim <= 0 || dim > 65536) throw new Error(`${file}: bad dimension ${dim}`);
  const rowBytes = 4 + 4 * dim;
  if (buf.length % rowBytes !== 0) throw new Error(`${file}: size is not a multiple of the row size`);
  const rows = buf.length / rowBytes;
  const data = new Float32Array(rows * dim);
  for (let r = 0; r < rows; r++) {
    const offset = r * rowBytes;
    const d = buf.readInt32LE(offset);
    if (d !== dim) throw new Error(`${file}: row ${r} has dimension ${d}`);
    for (let j = 0; j < dim; j++) data[r * dim + j] = buf.readFloatLE(offset + 4 + 4 * j);
  }
  return { rows, dim, data };
}

function main(argv) {
  if (argv.length !== 11) {
    process.stderr.write('usage: usearch_driver.js base.fvecs query.fvecs nq M ef_construction ef,ef,... k build_threads repeats warmup out.txt\n');
    return 2;
  }
  const base = readFvecs(argv[0]);
  const queries = readFvecs(argv[1]);
  const nq = Math.min(parseInt(argv[2], 10), queries.rows);
  const m = parseInt(argv[3], 10);
  const efConstruction = parseInt(argv[4], 10);
  const efs = argv[5].split(',').filter((s) => s.length > 0).map((s) => parseInt(s, 10));
  const k = parseInt(argv[6], 10);
  const threads = Math.max(1, parseInt(argv[7], 10));
  const repeats = Math.max(1, parseInt(argv[8], 10));
  const warmup = Math.min(parseInt(argv[9], 10), nq);
  const outFile = argv[10];
  if (queries.dim !== base.dim) throw new Error('query and base dimensions differ');

  const config = (ef) => ({
    dimensions: base.dim,
    metric: usearch.MetricKind.L2sq,
    quantization: usearch.ScalarKind.F32,
    connectivity: m,
    expansion_add: efConstruction,
    expansion_search: ef,
    multi: false,
  });

  const keys = BigUint64Array.from({ length: base.rows }, (_, i) => BigInt(i));
  const rssBefore = process.memoryUsage().rss;
  const buildStart = process.hrtime.bigint();
  let index = new usearch.Index(config(efs[0]));
  index.add(keys, base.data, threads);
  const buildSeconds = Number(process.hrtime.bigint() - buildStart) / 1e9;
  const memoryBytes = process.memoryUsage().rss - rssBefore;

  const saved = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'annbench-usearch-')), 'index.usearch');
  index.save(saved);

  const out = fs.openSync(outFile, 'w');
  fs.writeSync(out, `build_seconds ${buildSeconds.toFixed(6)}\nbuild_threads ${threads}\nmemory_bytes ${memoryBytes}\n`);
  const queryRows = [];
  for (let q = 0; q < nq; q++) queryRows.push(queries.data.subarray(q * queries.dim, (q + 1) * queries.dim));

  for (let e = 0; e < efs.length; e++) {
    const ef = efs[e];
    if (e > 0) {
      index = new usearch.Index(config(ef));
      index.load(saved);
    }
    for (let q = 0; q < warmup; q++) index.search(queryRows[q], k, 1);
    let best = null;
    for (let r = 0; r < repeats; r++) {
      const latencies = new Float64Array(nq);
      const ids = new Array(nq);
      let total = 0;
      for (let q = 0; q < nq; q++) {
        const start = process.hrtime.bigint();
        const result = index.search(queryRows[q], k, 1);
        const us = Number(process.hrtime.bigint() - start) / 1e3;
        latencies[q] = us;
        total += us;
        ids[q] = result.keys;
      }
      if (best === null || total < best.total) best = { total, latencies, ids };
    }
    const batch = queries.data.subarray(0, nq * queries.dim);
    let batchSeconds = Infinity;
    for (let r = 0; r < repeats; r++) {
      const start = process.hrtime.bigint();
      index.search(batch, k, 1);
      batchSeconds = Math.min(batchSeconds, Number(process.hrtime.bigint() - start) / 1e9);
    }
    const lines = [`ef ${ef} ${nq} ${k}`];
    for (let q = 0; q < nq; q++) {
      const row = [best.latencies[q].toFixed(3)];
      const found = best.ids[q];
      for (let j = 0; j < k; j++) row.push(j < found.length ? found[j].toString() : '-1');
      lines.push(row.join(' '));
    }
    lines.push(`batch_seconds ${ef} ${batchSeconds.toFixed(6)}`);
    fs.writeSync(out, lines.join('\n') + '\n');
  }
  fs.writeSync(out, `peak_rss_bytes ${process.resourceUsage().maxRSS * 1024}\nend\n`);
  fs.closeSync(out);
  fs.rmSync(path.dirname(saved), { recursive: true, force: true });
  return 0;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (err) {
  process.stderr.write(`usearch_driver: ${err.message}\n`);
  process.exitCode = 1;
}
