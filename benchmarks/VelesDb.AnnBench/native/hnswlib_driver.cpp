// hnswlib driver for the VelesDB ANN harness (benchmarks/VelesDb.AnnBench).
//
// Built by the harness with: g++ -O3 -march=native -std=c++17 -pthread
// against the Debian package libhnswlib-dev (header-only, /usr/include/hnswlib).
//
// Usage:
//   hnswlib_driver <base.fvecs> <query.fvecs> <nq> <M> <ef_construction> <ef,ef,...> <k>
//                  <build_threads> <repeats> <warmup> <out.txt>
//
// Builds one index over the base set (build_threads workers calling addPoint concurrently, the
// same scheme as hnswlib's Python bindings), then for each ef runs the first nq queries on ONE
// thread: an untimed warm-up over `warmup` queries, then `repeats` timed passes, keeping the pass
// with the smallest total time. It writes the text protocol the harness parses
// (HnswlibEngine / DriverOutput.cs):
//
//   build_seconds <double>
//   build_threads <int>
//   memory_bytes <int64>      RSS growth across the build (index + its copy of the vectors)
//   ef <ef> <nq> <k>          then nq lines: <latency_us> <id_0> ... <id_k-1> (best first; -1 pads)
//   ...                       one ef block per ef value
//   peak_rss_bytes <int64>    getrusage ru_maxrss of the whole driver process
//   end
//
// Recall and percentiles are NOT computed here: the harness computes them identically for all
// engines from these raw per-query numbers.

#include <hnswlib/hnswlib.h>

#include <sys/resource.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace {

struct Matrix {
    size_t rows = 0;
    size_t dim = 0;
    std::vector<float> data;
};

// Reads a TEXMEX .fvecs file: per row an int32 little-endian dimension followed by that many
// float32 values. Every row must have the same dimension and the file size must be an exact
// multiple of the row size; anything else is rejected before allocating.
Matrix read_fvecs(const std::string& path) {
    std::ifstream in(path, std::ios::binary | std::ios::ate);
    if (!in) throw std::runtime_error("cannot open " + path);
    const auto size = static_cast<uint64_t>(in.tellg());
    in.seekg(0);
    int32_t dim = 0;
    if (size < 4 || !in.read(reinterpret_cast<char*>(&dim), 4)) throw std::runtime_error(path + ": too short");
    if (dim <= 0 || dim > 65536) throw std::runtime_error(path + ": bad dimension " + std::to_string(dim));
    const uint64_t row_bytes = 4 + 4 * static_cast<uint64_t>(dim);
    if (size % row_bytes != 0) throw std::runtime_error(path + ": size is not a multiple of the row size");
    Matrix m;
    m.rows = size / row_bytes;
    m.dim = static_cast<size_t>(dim);
    m.data.resize(m.rows * m.dim);
    in.seekg(0);
    for (size_t r = 0; r < m.rows; ++r) {
        int32_t d = 0;
        in.read(reinterpret_cast<char*>(&d), 4);
        if (d != dim) throw std::runtime_error(path + ": row " + std::to_string(r) + " has dimension " + std::to_string(d));
        in.read(reinterpret_cast<char*>(m.data.data() + r * m.dim), static_cast<std::streamsize>(4 * m.dim));
        if (!in) throw std::runtime_error(path + ": truncated at row " + std::to_string(r));
    }
    return m;
}

int64_t current_rss_bytes() {
    std::ifstream statm("/proc/self/statm");
    int64_t pages_total = 0, pages_resident = 0;
    statm >> pages_total >> pages_resident;
    return pages_resident * static_cast<int64_t>(sysconf(_SC_PAGESIZE));
}

int64_t peak_rss_bytes() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return static_cast<int64_t>(usage.ru_maxrss) * 1024;
}

std::vector<size_t> parse_list(const std::string& text) {
    std::vector<size_t> values;
    std::stringstream ss(text);
    std::string item;
    while (std::getline(ss, item, ',')) {
        if (!item.empty()) values.push_back(std::stoul(item));
    }
    return values;
}

using Clock = std::chrono::steady_clock;

}  // namespace

int main(int argc, char** argv) {
    if (argc != 12) {
        std::fprintf(stderr,
                     "usage: %s base.fvecs query.fvecs nq M ef_construction ef,ef,... k build_threads repeats warmup out.txt\n",
                     argv[0]);
        return 2;
    }
    try {
        const Matrix base = read_fvecs(argv[1]);
        const Matrix queries = read_fvecs(argv[2]);
        const size_t nq = std::min<size_t>(std::stoul(argv[3]), queries.rows);
        const size_t m = std::stoul(argv[4]);
        const size_t ef_construction = std::stoul(argv[5]);
        const std::vector<size_t> efs = parse_list(argv[6]);
        const size_t k = std::stoul(argv[7]);
        const size_t threads = std::max<size_t>(1, std::stoul(argv[8]));
        const size_t repeats = std::max<size_t>(1, std::stoul(argv[9]));
        const size_t warmup = std::min<size_t>(std::stoul(argv[10]), nq);
        if (queries.dim != base.dim) throw std::runtime_error("query and base dimensions differ");

        const int64_t rss_before = current_rss_bytes();
        hnswlib::L2Space space(base.dim);
        const auto build_start = Clock::now();
        auto index = std::make_unique<hnswlib::HierarchicalNSW<float>>(&space, base.rows, m, ef_construction, 100);
        // The first point is added alone so concurrent inserts always find an entry point.
        index->addPoint(base.data.data(), 0);
        std::atomic<size_t> next(1);
        std::vector<std::thread> workers;
        for (size_t t = 0; t < threads; ++t) {
            workers.emplace_back([&] {
                for (size_t i = next.fetch_add(1); i < base.rows; i = next.fetch_add(1)) {
                    index->addPoint(base.data.data() + i * base.dim, i);
                }
            });
        }
        for (auto& w : workers) w.join();
        const double build_seconds = std::chrono::duration<double>(Clock::now() - build_start).count();
        const int64_t memory_bytes = current_rss_bytes() - rss_before;

        FILE* out = std::fopen(argv[11], "w");
        if (!out) throw std::runtime_error(std::string("cannot open ") + argv[11]);
        std::fprintf(out, "build_seconds %.6f\nbuild_threads %zu\nmemory_bytes %lld\n", build_seconds, threads,
                     static_cast<long long>(memory_bytes));

        std::vector<double> latencies(nq);
        std::vector<int64_t> ids(nq * k);
        std::vector<double> best_latencies(nq);
        std::vector<int64_t> best_ids(nq * k);
        for (const size_t ef : efs) {
            index->setEf(ef);
            for (size_t q = 0; q < warmup; ++q) index->searchKnn(queries.data.data() + q * queries.dim, k);
            double best_total = -1;
            for (size_t r = 0; r < repeats; ++r) {
                double total = 0;
                for (size_t q = 0; q < nq; ++q) {
                    const auto start = Clock::now();
                    auto result = index->searchKnn(queries.data.data() + q * queries.dim, k);
                    const auto stop = Clock::now();
                    const double us = std::chrono::duration<double, std::micro>(stop - start).count();
                    latencies[q] = us;
                    total += us;
                    // The priority queue pops the farthest first; fill from the back so ids are best first.
                    for (size_t j = 0; j < k; ++j) ids[q * k + j] = -1;
                    for (size_t j = result.size(); j > 0; --j) {
                        if (j - 1 < k) ids[q * k + (j - 1)] = static_cast<int64_t>(result.top().second);
                        result.pop();
                    }
                }
                if (best_total < 0 || total < best_total) {
                    best_total = total;
                    best_latencies.swap(latencies);
                    best_ids.swap(ids);
                }
            }
            std::fprintf(out, "ef %zu %zu %zu\n", ef, nq, k);
            for (size_t q = 0; q < nq; ++q) {
                std::fprintf(out, "%.3f", best_latencies[q]);
                for (size_t j = 0; j < k; ++j) std::fprintf(out, " %lld", static_cast<long long>(best_ids[q * k + j]));
                std::fputc('\n', out);
            }
        }
        std::fprintf(out, "peak_rss_bytes %lld\nend\n", static_cast<long long>(peak_rss_bytes()));
        std::fclose(out);
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "hnswlib_driver: %s\n", e.what());
        return 1;
    }
}
