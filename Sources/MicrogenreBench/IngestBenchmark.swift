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
        runs = max(1, Int(option("--runs", in: arguments) ?? "3") ?? 3)
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
        print("Ingest benchmark: median of \(runs) runs per pass, each pass in its own process on one core")
        print("")
        print(
            "feed".padding(34) + padded("pass", 16) + padded("MB/s", 9) + padded("titles/s", 11) + padded("peak MB", 9)
                + padded("of parse", 10))
        for feed in feeds {
            var parseRate = 0.0
            for pass in ["parse", "ingest", "analyze"] {
                var seconds: [Double] = []
                var bytes = 0
                var titles = 0
                var peak = 0
                for _ in 0..<runs {
                    let child = try runChild(["pass", pass, feed])
                    let fields = child.output.split(separator: " ")
                    guard fields.count == 3, let b = Int(fields[0]), let t = Int(fields[1]),
                        let s = Double(fields[2].filter { !$0.isWhitespace })
                    else { throw BenchError(description: "bad output from pass: \(child.output)") }
                    bytes = b
                    titles = t
                    seconds.append(s)
                    peak = max(peak, child.maxRSSBytes)
                }
                let time = median(seconds)
                let rate = Double(bytes) / 1e6 / time
                if pass == "parse" { parseRate = rate }
                let label = pass == "analyze" ? "ingest+analyze" : pass == "parse" ? "parse only" : "ingest"
                print(
                    String(feed.suffix(33)).padding(34) + padded(label, 16) + padded(fixed(rate), 9)
                        + padded(pass == "parse" ? "-" : String(Int(Double(titles) / time)), 11)
                        + padded(fixed(Double(peak) / 1e6), 9)
                        + padded(pass == "parse" ? "1.00" : fixed(rate / parseRate, 2), 10))
            }
        }
        print("")
        print("MB/s counts decompressed XML. 'of parse' is the pass's throughput over the parse-only pass of the")
        print("same file in the same run (libxml2's reader visiting every node with the same settings).")
    }
}

extension String {
    func padding(_ width: Int) -> String {
        count >= width ? self + " " : self + String(repeating: " ", count: width - count)
    }
}
