import MicrogenreCore
import MicrogenreFeeds
import MicrogenreText

#if canImport(Glibc)
    import Glibc
#endif

/// One timed pass over a feed, run in a child process: prints `bytes titles seconds`.
enum Pass {
    static func run(_ arguments: [String]) throws {
        guard arguments.count == 2 else { throw BenchError(description: "usage: pass parse|ingest|analyze FEED") }
        pinToOneCore()
        let path = arguments[1]
        let start = now()
        var bytes = 0
        var titles = 0
        switch arguments[0] {
        case "parse":
            let scanned = try FeedReader.scan(path: path)
            bytes = scanned.bytes
        case "ingest":
            let reader = try FeedReader(path: path)
            while try reader.next() != nil { titles += 1 }
            bytes = reader.bytesConsumed
        case "analyze":
            let reader = try FeedReader(path: path)
            let analyzer = try Analyzer()
            var tokens = 0
            while let record = try reader.next() {
                titles += 1
                record.forEachAnalyzedValue { value in
                    var copy = value
                    _ = copy.withUTF8 { analyzer.analyze($0) { _ in tokens += 1 } }
                }
            }
            bytes = reader.bytesConsumed
            if tokens == 0 { throw BenchError(description: "no tokens") }
        default:
            throw BenchError(description: "unknown pass \(arguments[0])")
        }
        print(bytes, titles, now() - start)
    }
}

extension TitleRecord {
    /// Calls `body` with every value the index analyzes, in its order: title, other titles,
    /// synopses, the people, the genres and keywords (`IndexDocument` runs the positions of a
    /// title's people, and of its genres and keywords, on from value to value).
    func forEachAnalyzedValue(_ body: (String) -> Void) {
        body(title)
        if let subtitle { body(subtitle) }
        if let originalTitle { body(originalTitle) }
        for synopsis in synopses { body(synopsis.text) }
        for person in people { body(person.name) }
        for genre in genres { body(genre) }
        for keyword in keywords { body(keyword) }
    }

    /// Every value the index analyzes.
    var analyzedTexts: [String] {
        var texts: [String] = []
        forEachAnalyzedValue { texts.append($0) }
        return texts
    }
}

/// Writes a feed of about N MB in our format by repeating the Corpus with new ids.
enum FeedGenerator {
    static func run(_ arguments: [String]) throws {
        guard arguments.count == 3, let megabytes = Int(arguments[2]) else {
            throw BenchError(description: "usage: generate SOURCE OUTPUT MB")
        }
        let reader = try FeedReader(path: arguments[0])
        var records: [TitleRecord] = []
        while let record = try reader.next() { records.append(record) }
        guard !records.isEmpty, let file = fopen(arguments[1], "wb") else {
            throw BenchError(description: "cannot write \(arguments[1])")
        }
        defer { fclose(file) }
        var out = Array(FeedWriter.header.utf8)
        var written = 0
        var copy = 0
        while written < megabytes * 1_000_000 {
            copy += 1
            for var record in records {
                if copy > 1 { record.id = TitleID("\(record.id.rawValue)~\(copy)") }
                FeedWriter.append(record, to: &out)
                if out.count > 1 << 20 {
                    written += fwrite(out, 1, out.count, file)
                    out.removeAll(keepingCapacity: true)
                }
            }
        }
        out += Array(FeedWriter.footer.utf8)
        written += fwrite(out, 1, out.count, file)
        print(written)
    }
}
