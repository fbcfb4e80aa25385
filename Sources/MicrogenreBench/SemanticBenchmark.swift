import MicrogenreCore
import MicrogenreEmbedding
import MicrogenreFeeds
import MicrogenreIndex
import MicrogenreQuery
import MicrogenreTaxonomy

#if canImport(Glibc)
    import Glibc
#endif

/// Semantic and hybrid search latency on an index whose titles are embedded (the demo's
/// `.microgenre/index`), next to lexical search on the same queries, and the exact vector scan
/// at one million generated vectors, next to numpy's float32 matrix-vector product on as many.
struct SemanticBenchmark {
    var index = ".microgenre/index"
    var vectors = 1_000_000
    var perKind = 40
    var model = SentenceEmbedder.defaultDirectory

    init(arguments: [String]) throws {
        index = option("--index", in: arguments) ?? index
        vectors = Int(option("--vectors", in: arguments) ?? "") ?? vectors
        perKind = Int(option("--per-kind", in: arguments) ?? "") ?? perKind
        model = option("--model", in: arguments) ?? model
    }

    func run() throws {
        let embedder = try SentenceEmbedder(directory: model, threads: 1)
        let reader = try IndexDirectory(path: index).open()
        guard reader.embeddingIdentities.contains(embedder.identity) else {
            throw BenchError(
                description: "\(index) holds no embeddings of \(embedder.identity): run `microgenre index` first")
        }
        let taxonomy = try Taxonomy.load(directory: "Taxonomy")
        let parser = try QueryParser(taxonomy: taxonomy)
        let searcher = Searcher(index: reader)
        let live = try reader.liveRecords()
        let records = Swift.stride(from: 0, to: live.count, by: max(1, live.count / 200)).map { live[$0] }
        let queries =
            try SearchBenchmark(arguments: ["--per-kind", String(perKind)]).makeQueries(records, taxonomy: taxonomy)
            + moods.map { ("mood", $0) }
        var embed: [Double] = []
        var scan: [Double] = []
        var lexical: [Double] = []
        var hybrid: [Double] = []
        for pass in 0..<2 {  // the first pass warms caches; the second is measured
            for (_, text) in queries {
                var start = now()
                let parsed = try parser.parse(text)
                _ = searcher.search(parsed, limit: 10)
                let lexicalTime = now() - start
                start = now()
                let parsedAgain = try parser.parse(text)
                let vector = embedder.embed(parsedAgain.semanticText)
                let embedTime = now() - start
                let semantic = SemanticQuery(vector: vector, identity: embedder.identity)
                _ = searcher.search(parsedAgain, limit: 10, mode: .hybrid, semantic: semantic)
                let hybridTime = now() - start
                start = now()
                _ = reader.similarities(to: vector, identity: embedder.identity)
                let scanTime = now() - start
                if pass == 1 {
                    lexical.append(lexicalTime * 1000)
                    embed.append(embedTime * 1000)
                    hybrid.append(hybridTime * 1000)
                    scan.append(scanTime * 1000)
                }
            }
        }
        print("Semantic search benchmark: \(reader.liveCount) titles, \(queries.count) queries, one thread")
        print("")
        print("".padding(26) + padded("p50 ms", 9) + padded("p95 ms", 9) + padded("p99 ms", 9))
        print("lexical search".padding(26) + percentiles(lexical))
        print("hybrid search".padding(26) + percentiles(hybrid) + "   (query embedding included; aim p99 < 15 ms)")
        print("  of which embedding".padding(26) + percentiles(embed))
        print("  of which the scan".padding(26) + percentiles(scan) + "   (every title's int8 vector)")
        print(
            "hybrid / lexical p50".padding(26) + padded(fixed(percentile(hybrid, 0.5) / percentile(lexical, 0.5), 1), 9)
                + "x")
        try scanAtScale()
    }

    /// The exact scan over `vectors` generated int8 vectors of 384 dimensions.
    private func scanAtScale() throws {
        let dimension = 384
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 33
        }
        var rows = [Int8](repeating: 0, count: vectors * dimension)
        for k in rows.indices { rows[k] = Int8(truncatingIfNeeded: next()) }
        let scales = [Float](repeating: 1 / 127, count: vectors)
        var scores = [Float](repeating: 0, count: vectors)
        var times: [Double] = []
        for _ in 0..<12 {
            let query = (0..<dimension).map { _ in Float(Int(next() % 2001) - 1000) / 1000 }
            let start = now()
            query.withUnsafeBufferPointer { q in
                rows.withUnsafeBytes { r in
                    scales.withUnsafeBytes { s in
                        scores.withUnsafeMutableBufferPointer { out in
                            VectorScan.dotProducts(
                                query: q.baseAddress!, dimension: dimension, rows: r.baseAddress!,
                                scales: s.baseAddress!, count: vectors, into: out.baseAddress!)
                        }
                    }
                }
            }
            var best: [Float] = []
            for score in scores where best.count < 10 || score > best[best.count - 1] {
                best.append(score)
                best.sort(by: >)
                if best.count > 10 { best.removeLast() }
            }
            times.append((now() - start) * 1000)
        }
        times.removeFirst(2)
        let megabytes = Double(vectors * (dimension + 4)) / 1e6
        print("")
        print(
            "scan of \(vectors) vectors  p50 \(fixed(percentile(times, 0.5), 1)) ms, p99 \(fixed(percentile(times, 0.99), 1)) ms "
                + "(int8, \(fixed(megabytes, 0)) MB, \(fixed(megabytes / percentile(times, 0.5), 1)) GB/s, top 10 included)"
        )
        let script = """
            import numpy as np, time
            m = np.random.default_rng(1).standard_normal((\(vectors), \(dimension)), dtype=np.float32)
            q = np.ones(\(dimension), dtype=np.float32)
            t = []
            for _ in range(12):
                s = time.perf_counter(); top = np.argpartition(m @ q, -10)[-10:]; t.append(time.perf_counter() - s)
            t = sorted(t[2:]); print('{"p50_ms": %f}' % (1000 * t[len(t) // 2]))
            """
        if let output = runCommand(["python3", "-c", script]), let numpy = jsonNumber(output, "p50_ms") {
            print(
                "numpy float32 m @ q      p50 \(fixed(numpy, 1)) ms (\(fixed(Double(vectors * dimension * 4) / 1e6, 0)) MB, argpartition top 10); "
                    + "ratio \(fixed(numpy / percentile(times, 0.5), 1))x")
        } else {
            print("numpy float32 m @ q      did not run")
        }
    }

    /// Descriptions the way viewers write them, which name few taxonomy facets.
    private let moods = [
        "atmospheric slow burn", "quirky and heartwarming", "creepy small town secrets", "disturbing psychological",
        "philosophical science fiction", "mental illness drama", "feel-good underdog sports story",
        "bleak post-apocalyptic survival", "witty banter romance", "corruption in city politics",
    ]
}
