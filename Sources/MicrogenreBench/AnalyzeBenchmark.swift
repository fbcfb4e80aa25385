import MicrogenreFeeds
import MicrogenreText

/// Analysis throughput on the Corpus synopses held in memory, against two baselines run in the
/// same process: splitting on spaces with `String.lowercased()` (what naive Swift does), and a
/// byte loop that only finds ASCII words (the floor any tokenizer pays).
struct AnalyzeBenchmark {
    var feed: String
    var runs: Int

    init(arguments: [String]) throws {
        runs = max(1, Int(option("--runs", in: arguments) ?? "3") ?? 3)
        feed = positional(arguments).first ?? "Corpus/films.xml.gz"
    }

    func run() throws {
        pinToOneCore()
        let reader = try FeedReader(path: feed)
        var texts: [String] = []
        while let record = try reader.next() { texts += record.analyzedTexts }
        let bytes = texts.reduce(0) { $0 + $1.utf8.count }
        let analyzer = try Analyzer()

        func measure(_ body: () -> Int) -> (rate: Double, count: Int) {
            let (seconds, count) = medianTime(runs: runs, body)
            return (Double(bytes) / 1e6 / seconds, count)
        }
        let ours = measure {
            var tokens = 0
            for var text in texts { _ = text.withUTF8 { analyzer.analyze($0) { _ in tokens += 1 } } }
            return tokens
        }
        let lowercased = measure {
            var words = 0
            for text in texts { words += text.lowercased().split(separator: " ").count }
            return words
        }
        let byteLoop = measure {
            var words = 0
            for var text in texts {
                text.withUTF8 { utf8 in
                    var inWord = false
                    for byte in utf8 {
                        let letter = (byte | 0x20) &- 0x61 < 26 || byte &- 0x30 < 10
                        if letter && !inWord { words += 1 }
                        inWord = letter
                    }
                }
            }
            return words
        }
        print(
            "Analysis benchmark: \(texts.count) texts, \(fixed(Double(bytes) / 1e6)) MB, median of \(runs) runs, one core"
        )
        print("")
        print("analyzer".padding(46) + padded("MB/s", 8) + padded("tokens", 11) + padded("vs ours", 9))
        for (name, result) in [
            ("Microgenre analyzer (ICU, stems, compounds)", ours), ("String.lowercased() + split", lowercased),
            ("ASCII word-count byte loop (floor)", byteLoop),
        ] {
            print(
                name.padding(46) + padded(fixed(result.rate), 8) + padded(String(result.count), 11)
                    + padded(fixed(result.rate / ours.rate, 2), 9))
        }
    }
}
