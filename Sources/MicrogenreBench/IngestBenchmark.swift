#if canImport(Glibc)
    import Glibc
#endif

/// Ingest and ingest + analyze throughput against a parse-only pass of the same file.
struct IngestBenchmark {
    var feeds: [String]
    var megabytes: Int
    var runs: Int

    init(arguments: [String]) throws {
        megabytes = Int(option("--mb", in: arguments) ?? "200") ?? 200
        runs = max(1, Int(option("--runs", in: arguments) ?? "5") ?? 5)
        feeds = positional(arguments)
    }

    func run() throws {
        var feeds = self.feeds
        if feeds.isEmpty {
            feeds = ["Corpus/films.xml.gz"]
            if megabytes > 0 {
                let generated = ".build/bench/generated-\(megabytes)mb.xml"
                if fileSize(generated) == nil {
                    mkdir(".build/bench", 0o755)
                    print("generating \(generated) from the Corpus ...")
                    _ = try runChild(["generate", "Corpus/films.xml.gz", generated, String(megabytes)])
                }
                feeds.append(generated)
            }
        }
        print(
            "Ingest benchmark: \(runs) rounds of the three passes interleaved, each pass in its own process on one core"
        )
        print("")
        print(
            "feed".padding(34) + padded("pass", 16) + padded("MB/s", 9) + padded("titles/s", 11) + padded("peak MB", 9)
                + padded("of parse", 10))
        let passes = ["parse", "ingest", "analyze"]
        for feed in feeds {
            var seconds = [[Double]](repeating: [], count: passes.count)
            var bytes = 0
            var titles = [Int](repeating: 0, count: passes.count)
            var peak = [Int](repeating: 0, count: passes.count)
            // Round by round, so that a slow spell of the machine hits every pass alike; each
            // pass's ratio to the parse pass of its own round.
            var ratios = [[Double]](repeating: [], count: passes.count)
            for _ in 0..<runs {
                var round: [Double] = []
                for (k, pass) in passes.enumerated() {
                    let child = try runChild(["pass", pass, feed])
                    let fields = child.output.split(separator: " ")
                    guard fields.count == 3, let b = Int(fields[0]), let t = Int(fields[1]),
                        let s = Double(fields[2].filter { !$0.isWhitespace })
                    else { throw BenchError(description: "bad output from pass: \(child.output)") }
                    bytes = b
                    titles[k] = t
                    seconds[k].append(s)
                    round.append(s)
                    peak[k] = max(peak[k], child.maxRSSBytes)
                }
                for k in passes.indices { ratios[k].append(round[0] / round[k]) }
            }
            for (k, pass) in passes.enumerated() {
                let time = median(seconds[k])
                let rate = Double(bytes) / 1e6 / time
                let label = pass == "analyze" ? "ingest+analyze" : pass == "parse" ? "parse only" : "ingest"
                print(
                    String(feed.suffix(33)).padding(34) + padded(label, 16) + padded(fixed(rate), 9)
                        + padded(pass == "parse" ? "-" : String(Int(Double(titles[k]) / time)), 11)
                        + padded(fixed(Double(peak[k]) / 1e6), 9)
                        + padded(pass == "parse" ? "1.00" : fixed(median(ratios[k]), 2), 10))
            }
        }
        print("")
        print("MB/s counts decompressed XML (median of the rounds). 'of parse' is the median over the rounds of the")
        print("pass's throughput over that of the round's parse-only pass of the same file (libxml2's reader")
        print("visiting every node with the same settings).")
    }
}

extension String {
    func padding(_ width: Int) -> String {
        count >= width ? self + " " : self + String(repeating: " ", count: width - count)
    }
}
