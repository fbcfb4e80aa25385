import ArgumentParser
import MicrogenreCore
import MicrogenreIndex
import MicrogenreQuery
import MicrogenreTagging

/// Where the index lives, shared by `index` and `search`.
struct IndexLocation: ParsableArguments {
    @Option(
        name: .customLong("index"), help: "The index directory (default: .microgenre/index, or in $MICROGENRE_HOME).")
    var path: String?

    var directory: IndexDirectory { IndexDirectory(path: path ?? DataDirectory.path + "/index") }
}

struct IndexCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "index",
        abstract: "Add, replace or delete titles in the search index: ingest, analyze, tag, index.",
        discussion: """
            By default the feeds' titles are upserted: a title whose id is already indexed is             replaced, a new one is added, every other indexed title stays. --delete ID removes             titles; --replace makes the index hold exactly the given feeds' titles. Each run             writes one immutable segment (text fields with positions, facet postings with the             tagger's scores, per-title values, display fields, the full records) and switches             the index to it atomically: a reader, or a writer killed midway, never sees a             half-written index. A second writer is refused while one runs.
            """
    )

    @Argument(help: "Feed files (.xml or .xml.gz).")
    var feeds: [String] = []

    @Option(name: .customLong("delete"), help: "Remove the title with this id (repeatable).")
    var deletions: [String] = []

    @Flag(help: "Index exactly the given feeds' titles, dropping every other indexed title.")
    var replace = false

    @OptionGroup var input: FeedInputOptions

    @OptionGroup var tagging: TaggingOptions

    @OptionGroup var location: IndexLocation

    func validate() throws {
        if feeds.isEmpty && (replace || deletions.isEmpty) {
            throw ValidationError(
                replace ? "--replace needs the feed files to index" : "give feed files to index, or --delete ID")
        }
    }

    func run() throws {
        let start = Output.now()
        let tagger = try tagging.makeTagger()
        let loaded = try input.load(feeds)
        if loaded.failedFeeds > 0 {
            Output.error("error: not indexing: \(loaded.failedFeeds) feed(s) could not be read to the end")
            throw ExitCode(1)
        }
        var summary = IndexSummary()
        do {
            try location.directory.update { current in
                let kept = replace ? [] : try current()?.records() ?? []
                let records = summary.merge(
                    kept: kept, added: loaded.catalog.records, deleted: Set(deletions.map(TitleID.init)))
                return try build(records, tagger: tagger, summary: &summary)
            }
        } catch {
            Output.error("\(error)")
            throw ExitCode(1)
        }
        for id in summary.missing { Output.error("warning: --delete \(id): no such title in the index") }
        Output.line(
            "Indexed \(summary.titles.grouped) titles (\(summary.added.grouped) added, \(summary.replaced.grouped) replaced, "
                + "\(summary.deleted.grouped) deleted) into \(location.directory.path) in \(String(format2: Output.now() - start)) s: "
                + "\(String(format2: Double(summary.bytes) / 1e6)) MB for \(String(format2: Double(summary.textBytes) / 1e6)) MB of title and synopsis text"
        )
    }

    private func build(_ records: [TitleRecord], tagger: Tagger, summary: inout IndexSummary) throws -> [UInt8] {
        var writer = try SegmentWriter()
        var progress = Progress("indexing")
        for (k, record) in records.enumerated() {
            let scores = tagger.tag(record).map { (tag: $0.tag, score: $0.score) }
            writer.add(IndexDocument(record: record, facets: scores))
            summary.textBytes += ([record.title] + record.synopses.map(\.text)).reduce(0) { $0 + $1.utf8.count }
            if k % 500 == 0 { progress.update(done: k, total: records.count, detail: "\(k.grouped) titles") }
        }
        progress.finish()
        let segment = writer.finish()
        summary.titles = writer.count
        summary.bytes = segment.count
        return segment
    }
}

/// What one `index` run changed.
struct IndexSummary {
    var titles = 0
    var added = 0
    var replaced = 0
    var deleted = 0
    var missing: [TitleID] = []
    var bytes = 0
    var textBytes = 0

    /// The indexed titles `kept`, with `added` replacing same-id titles in place or appended,
    /// and the `deleted` ids removed.
    mutating func merge(kept: [TitleRecord], added: [TitleRecord], deleted: Set<TitleID>) -> [TitleRecord] {
        var incoming: [TitleID: TitleRecord] = [:]
        for record in added { incoming[record.id] = record }
        var seen = Set<TitleID>()
        var result: [TitleRecord] = []
        result.reserveCapacity(kept.count + added.count)
        for record in kept {
            seen.insert(record.id)
            if deleted.contains(record.id) {
                self.deleted += 1
            } else if let newer = incoming[record.id] {
                result.append(newer)
                replaced += 1
            } else {
                result.append(record)
            }
        }
        for record in added where !seen.contains(record.id) {
            seen.insert(record.id)
            if deleted.contains(record.id) {
                self.deleted += 1
            } else {
                result.append(record)
                self.added += 1
            }
        }
        missing = deleted.filter { !seen.contains($0) }.sorted { $0.rawValue < $1.rawValue }
        return result
    }
}

struct SearchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Search the index: facets from the taxonomy, text by BM25F, filters.",
        discussion: """
            The query is understood as `microgenre query` shows: facets, text terms, quoted \
            phrases, -exclusions, filters (year:1990..1999, kind:series, rating:<=PG-13, \
            runtime:<90). A title's score is the sum of its scores for the requested facets plus \
            its normalized BM25F text score, so every facet counts and a title missing one ranks \
            lower rather than dropping out.
            """
    )

    @Argument(help: "The query.")
    var query: String

    @OptionGroup var location: IndexLocation

    @OptionGroup var taxonomyOptions: TaxonomyOptions

    @Option(help: "Results to show.")
    var limit = 10

    @Flag(help: "Show the parse and each result's score by facet and field.")
    var explain = false

    @Flag(help: "Print the results as JSON Lines.")
    var json = false

    func run() throws {
        let parser = try QueryParser(taxonomy: taxonomyOptions.load())
        let parsed: ParsedQuery
        do {
            parsed = try parser.parse(query)
        } catch let error as QueryError {
            Output.error(error.description)
            throw ExitCode(1)
        }
        let segment: Segment
        do {
            segment = try location.directory.open()
        } catch {
            Output.error("\(error)")
            throw ExitCode(1)
        }
        let start = Output.now()
        let hits = Searcher(segment: segment).search(parsed, limit: limit, explain: explain)
        let milliseconds = (Output.now() - start) * 1000
        if json {
            for hit in hits {
                var writer = JSONWriter()
                writer.beginObject()
                writer.string(hit.id.rawValue, "id")
                writer.number(hit.score, "score", digits: 4)
                writer.beginObject("facets")
                for (tag, score) in hit.facets { writer.number(score, tag, digits: 3) }
                writer.endObject()
                writer.number(hit.text, "text", digits: 4)
                writer.raw(hit.stored, "title")
                writer.endObject()
                Output.line(bytes: writer.bytes)
            }
            return
        }
        if explain {
            Output.line("query: \(query)")
            for facet in parsed.facets { Output.line("  facet  \(facet.tag) (\"\(facet.text)\")") }
            for term in parsed.terms { Output.line("  term   \(term.term) (\"\(term.text)\")") }
            for phrase in parsed.phrases { Output.line("  phrase \(phrase.terms.joined(separator: " "))") }
            for facet in parsed.excludedFacets { Output.line("  not    facet \(facet.tag)") }
            for term in parsed.excludedTerms { Output.line("  not    term \(term.term)") }
            for filter in parsed.filters { Output.line("  filter \(filter.text)") }
        }
        for (rank, hit) in hits.enumerated() {
            let display = StoredTitle(json: hit.stored)
            Output.line(
                "\(String(rank + 1).leftPadded(3)). \(String(format2: hit.score))  \(display.title)"
                    + (display.year.map { " (\($0))" } ?? "") + "  [\(hit.id)]")
            if explain {
                let facets = hit.facets.map { "\($0.tag) \(String(format2: $0.score))" }.joined(separator: ", ")
                let fields = hit.fields.map { "\($0.field) \(String(format2: $0.score))" }.joined(separator: ", ")
                Output.line(
                    "       facets: " + (facets.isEmpty ? "-" : facets) + "; text \(String(format2: hit.text))"
                        + (fields.isEmpty ? "" : " (\(fields))"))
            }
        }
        if hits.isEmpty { Output.line("no results") }
        Output.error("\(hits.count) results in \(String(format2: milliseconds)) ms")
    }
}

/// The display fields a segment stores for each title (`{"id":..,"title":..,"year":..}`).
struct StoredTitle {
    var title = ""
    var year: Int?

    init(json: String) {
        if let range = json.slice(after: "\"title\":\"", before: "\"") { title = range }
        if let year = json.slice(after: "\"year\":", before: ",") { self.year = Int(year) }
    }
}

extension String {
    fileprivate func slice(after start: String, before end: String) -> String? {
        let chars = Array(self)
        let s = Array(start)
        guard s.count <= chars.count else { return nil }
        for k in 0...(chars.count - s.count) where Array(chars[k..<(k + s.count)]) == s {
            var result = ""
            var j = k + s.count
            while j < chars.count {
                if chars[j] == "\\" && j + 1 < chars.count {
                    result.append(chars[j + 1])
                    j += 2
                    continue
                }
                if String(chars[j]) == end { return result }
                result.append(chars[j])
                j += 1
            }
            return result
        }
        return nil
    }
}
