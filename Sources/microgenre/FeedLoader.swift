import ArgumentParser
import MicrogenreCore
import MicrogenreFeeds

/// Reads feeds into a catalog for the commands that need one, printing warnings and errors as
/// they come and counting what it read.
struct FeedLoader {
    var catalog = CatalogBuilder()
    var titlesByFormat: [FeedFormat: Int] = [:]
    var warnings = 0
    var failedFeeds = 0
    var bytes = 0
    var feedCount = 0
    /// Feed errors held back to print after the records (for --json output).
    var deferredErrors: [String] = []
    var deferErrors = false

    static func load(_ paths: [String], format: FeedFormat?, maxWarnings: Int, deferErrors: Bool = false) throws
        -> FeedLoader
    {
        var loader = FeedLoader()
        loader.deferErrors = deferErrors
        for path in paths { loader.read(path, format: format, maxWarnings: maxWarnings) }
        return loader
    }

    private mutating func read(_ path: String, format: FeedFormat?, maxWarnings: Int) {
        feedCount += 1
        var printed = 0
        var progress = Progress(path)
        let total = Output.uncompressedSize(path)
        func report(_ diagnostics: [Diagnostic]) {
            for diagnostic in diagnostics {
                warnings += 1
                if printed < maxWarnings { Output.error(diagnostic.description) }
                printed += 1
            }
        }
        let reader: FeedReader
        do {
            reader = try FeedReader(path: path, options: FeedOptions(format: format))
        } catch {
            fail("\(error)")
            return
        }
        var count = 0
        do {
            while let record = try reader.next() {
                count += 1
                if let duplicate = catalog.add(record) { report([duplicate]) }
                report(reader.takeDiagnostics())
                if count % 256 == 0 {
                    progress.update(done: reader.bytesConsumed, total: total, detail: "\(count.grouped) titles")
                }
            }
        } catch {
            report(reader.takeDiagnostics())
            progress.finish()
            fail("\(error)")
        }
        progress.finish()
        report(reader.takeDiagnostics())
        bytes += reader.bytesConsumed
        if let format = reader.format { titlesByFormat[format, default: 0] += count }
        if printed > maxWarnings {
            Output.error("\(path): \(printed - maxWarnings) more warnings not shown (--max-warnings)")
        }
    }

    private mutating func fail(_ message: String) {
        failedFeeds += 1
        if deferErrors { deferredErrors.append(message) } else { Output.error(message) }
    }

    func printSummary(seconds: Double) {
        let titles = catalog.records.count
        let records = titlesByFormat.values.reduce(0, +)
        let megabytes = Double(bytes) / 1e6
        let rate = seconds > 0 ? " (\(String(format2: megabytes / seconds)) MB/s)" : ""
        Output.line(
            "Ingested \(titles.grouped) titles from \(feedCount) feed\(feedCount == 1 ? "" : "s"): "
                + "\(String(format2: megabytes)) MB of XML in \(String(format2: seconds)) s\(rate)")
        let formats = titlesByFormat.sorted { $0.key.rawValue < $1.key.rawValue }
            .map { "\($0.key.rawValue) \($0.value.grouped)" }
        Output.line(
            "  records:   \(records.grouped) read (" + (formats.isEmpty ? "none" : formats.joined(separator: ", "))
                + ")")
        Output.line("  replaced:  \(catalog.duplicates.grouped) by a later record with the same id (last wins)")
        var kinds: [TitleKind: Int] = [:]
        var withSynopsis = 0
        for record in catalog.records {
            kinds[record.kind, default: 0] += 1
            if !record.synopses.isEmpty { withSynopsis += 1 }
        }
        let kindText = TitleKind.allCases.compactMap { kind in kinds[kind].map { "\(kind.rawValue) \($0.grouped)" } }
        Output.line("  kinds:     " + (kindText.isEmpty ? "none" : kindText.joined(separator: ", ")))
        Output.line("  synopses:  \(withSynopsis.grouped) titles have one")
        Output.line("  warnings:  \(warnings.grouped)")
        Output.line("  errors:    \(failedFeeds) feed\(failedFeeds == 1 ? "" : "s") stopped early")
    }
}

/// How feeds are read, shared by every command that reads them.
struct FeedInputOptions: ParsableArguments {
    @Option(help: "Read every feed as this format instead of detecting it from the root element.")
    var format: FeedFormat?

    @Option(help: "Warnings printed per feed; the rest are counted.")
    var maxWarnings = 20

    /// Reads `paths` into a catalog, printing warnings and errors as they come.
    func load(_ paths: [String], deferErrors: Bool = false) throws -> FeedLoader {
        try FeedLoader.load(paths, format: format, maxWarnings: maxWarnings, deferErrors: deferErrors)
    }
}
