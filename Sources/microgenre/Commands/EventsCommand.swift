import ArgumentParser
import MicrogenreCore
import MicrogenreEvents
import MicrogenreIndex
import MicrogenrePersonalization
import MicrogenreServer
import MicrogenreTaxonomy

#if canImport(Glibc)
    import Glibc
#endif

/// Where the viewing events live, shared by every command that reads them.
struct EventsLocation: ParsableArguments {
    @Option(
        name: .customLong("events"),
        help: ArgumentHelp(
            "The viewing-events store: an SQLite file, or postgres://USER@HOST:PORT/DB (default: $MICROGENRE_EVENTS_URL, else .microgenre/events.sqlite or in $MICROGENRE_HOME).",
            discussion:
                "A PostgreSQL password comes from ~/.pgpass (or $PGPASSFILE) or $PGPASSWORD; it is never printed.",
            valueName: "file-or-url"))
    var path: String?

    /// The location given, else `$MICROGENRE_EVENTS_URL`, else the default SQLite file.
    var resolved: String {
        if let path { return path }
        if let url = getenv("MICROGENRE_EVENTS_URL").map({ String(cString: $0) }), !url.isEmpty { return url }
        return DataDirectory.path + "/events.sqlite"
    }

    /// Opens the store; unless `create`, a missing SQLite database is an error that says how to
    /// make one.
    func open(create: Bool) throws -> any EventStore {
        let location = resolved
        let isPostgres = PostgresURL.isPostgres(location)
        if !isPostgres && !create && !FileSystem.exists(location) {
            Output.error(
                "error: no events database at \(location): import events first (microgenre events import FILE)")
            throw ExitCode(1)
        }
        if !isPostgres && create && location == DataDirectory.path + "/events.sqlite" {
            try FileSystem.createDirectory(DataDirectory.path)
        }
        do {
            return try openEventStore(location)
        } catch {
            Output.failure(error)
            throw ExitCode(1)
        }
    }
}

struct EventsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events",
        abstract: "Import and inspect viewing events (the history personalization learns from).",
        subcommands: [Import.self, Info.self, Model.self]
    )

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import viewing events from CSV or JSON Lines into the events database.",
            discussion: """
                CSV columns: user,title,timestamp,event,value (a header row naming them, in any \
                order, is allowed). JSON Lines: one object per line with the same keys. \
                timestamp: seconds since 1970 or ISO 8601 (2026-03-01T20:15:00Z). event: play \
                (value: seconds watched), complete, abandon, rating (value: 0 to 5), thumb_up, \
                thumb_down. Files may be gzip-compressed; - reads standard input. Bad rows are \
                reported as FILE:LINE:COL and skipped. Each file is \
                imported in one transaction; importing the same events again changes nothing. \
                Events naming titles the index does not hold are counted and kept, so they count \
                once those titles are indexed.
                """
        )

        @Argument(help: "Event files (.csv, .jsonl, either gzipped; - for standard input).")
        var files: [String]

        @OptionGroup var events: EventsLocation

        @OptionGroup var location: IndexLocation

        @Option(help: "Read every file as this format (csv or jsonl) instead of guessing from its name.")
        var format: String?

        func validate() throws {
            if let format, EventParser.Format(rawValue: format) == nil {
                throw ValidationError("--format must be csv or jsonl")
            }
        }

        @Option(help: "Bad rows printed per file; the rest are counted.")
        var maxWarnings = 20

        @Flag(help: "Print one JSON object per file with the counts.")
        var json = false

        func run() throws {
            let store = try events.open(create: true)
            let known: [TitleID: Int]? = (try? location.directory.open())?.liveDocuments()
            if known == nil {
                Output.error("warning: no index at \(location.directory.path): title ids are not checked")
            }
            var failed = false
            for file in files {
                let start = Output.now()
                var errors = 0
                var unknown: [String] = []
                var unknownCount = 0
                var rows = 0
                var lastProgress = start
                let summary: EventImportSummary
                do {
                    summary = try store.add(source: file) { insert in
                        try EventParser().read(path: file, format: format.flatMap(EventParser.Format.init)) { result in
                            rows += 1
                            switch result {
                            case .failure(let error):
                                errors += 1
                                if errors <= maxWarnings { Output.error("\(error.location): error: \(error.message)") }
                            case .success(let event):
                                if let known, known[event.title] == nil {
                                    unknownCount += 1
                                    if unknown.count < 3 && !unknown.contains(event.title.rawValue) {
                                        unknown.append(event.title.rawValue)
                                    }
                                }
                                try insert(event)
                            }
                            if rows % 100_000 == 0 && Output.stderrIsTerminal {
                                let now = Output.now()
                                if now - lastProgress > 1 {
                                    lastProgress = now
                                    Output.error("  \(file): \(rows.grouped) rows")
                                }
                            }
                        }
                        return errors
                    }
                } catch let error as EventStoreError {
                    Output.failure(error)
                    throw ExitCode(1)
                } catch {
                    Output.failure(error, suffix: " (nothing imported from \(file))")
                    failed = true
                    continue
                }
                if errors > maxWarnings { Output.error("\(file): \(errors - maxWarnings) more bad rows") }
                let seconds = Output.now() - start
                if json {
                    var writer = JSONWriter()
                    writer.beginObject()
                    writer.string(file, "file")
                    writer.number(summary.inserted, "imported")
                    writer.number(summary.duplicates, "alreadyPresent")
                    writer.number(errors, "badRows")
                    writer.number(unknownCount, "unknownTitles")
                    writer.number(seconds, "seconds", digits: 3)
                    writer.endObject()
                    Output.line(bytes: writer.bytes)
                } else {
                    var line = "\(file): imported \(summary.inserted) new events, \(summary.duplicates) already present"
                    line += ", \(errors) bad row\(errors == 1 ? "" : "s") skipped"
                    if known != nil {
                        line += ", \(unknownCount) naming titles not in the index"
                        if !unknown.isEmpty { line += " (e.g. \(unknown.joined(separator: ", ")))" }
                    }
                    line += " in \(String(format2: seconds)) s"
                    Output.line(line)
                }
            }
            // The events from the imports' own counts: counting the users would scan every event
            // (`events info` does).
            let events = try store.fingerprint().events
            if !json { Output.line("\(store.name) holds \(events) events") }
            if failed { throw ExitCode(1) }
        }
    }

    struct Info: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Count the events and users in the events database.")

        @OptionGroup var events: EventsLocation

        @Option(help: "Also list this user's events.")
        var user: String?

        func run() throws {
            let store = try events.open(create: false)
            let counts = try store.counts()
            Output.line("\(store.name): \(counts.events) events from \(counts.users) users")
            if let user {
                for event in try store.events(user: user) {
                    let value = event.kind.needsValue ? String(format2: event.value) : "-"
                    Output.line(
                        "\(isoTime(event.timestamp))  \(event.kind.rawValue.padded(10)) \(value.leftPadded(8))  \(event.title)"
                    )
                }
            }
        }
    }
}

extension EventsCommand {
    struct Model: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Compute the co-viewing model from every event and store it beside them.",
            discussion: """
                Every command that personalizes reads the co-viewing model (each title's \
                co-viewed neighbours, and every user's liked titles) from the events store: in \
                PostgreSQL a row of coviewing_model, beside an SQLite file a file named by the \
                model's key. The key changes with the events, the index snapshot and the \
                settings, so a model is current until one of them changes. A command that finds \
                no current model computes it (once: others wait for it); run this first, as a \
                step of its own, so that sharded workers only read it.
                """
        )

        @OptionGroup var events: EventsLocation

        @OptionGroup var location: IndexLocation

        @OptionGroup var blendOptions: BlendOptions

        @Flag(help: "Print the figures as one JSON object.")
        var json = false

        func run() throws {
            let index = try location.openOrExit()
            let store = try events.open(create: false)
            let start = Output.now()
            let catalog = CatalogFeatures(index: index)
            var phases: [(name: String, seconds: Double)] = []
            let coViewing: CoViewing
            let key: String
            do {
                let fingerprint = try store.fingerprint()
                key = PersonalModel.modelKey(
                    fingerprint: fingerprint, policy: blendOptions.policy, blend: blendOptions.blend,
                    indexDirectory: location.directory)
                coViewing = try PersonalModel.sharedModel(
                    store: store, key: key, catalog: catalog, policy: blendOptions.policy, blend: blendOptions.blend
                ) { name, seconds in
                    phases.append((name, seconds))
                    if !json { Output.error("  \(name) in \(String(format2: seconds)) s") }
                }
            } catch {
                Output.failure(error)
                throw ExitCode(1)
            }
            let seconds = Output.now() - start
            let titles = coViewing.neighbours.filter { !$0.isEmpty }.count
            let likes = coViewing.liked.reduce(0) { $0 + $1.count }
            if json {
                var writer = JSONWriter()
                writer.beginObject()
                writer.string(store.name, "store")
                writer.string(key, "key")
                writer.bool(!phases.isEmpty, "computed")
                writer.number(coViewing.liked.count, "users")
                writer.number(likes, "likes")
                writer.number(titles, "titlesWithNeighbours")
                writer.number(seconds, "seconds", digits: 3)
                writer.endObject()
                Output.line(bytes: writer.bytes)
            } else {
                Output.line(
                    "\(phases.isEmpty ? "Read the current" : "Computed and stored the") co-viewing model \(key) "
                        + "(\(coViewing.liked.count.grouped) users, \(likes.grouped) likes, \(titles.grouped) titles "
                        + "with neighbours) in \(String(format2: seconds)) s: \(store.name)")
            }
        }
    }
}

/// `2026-03-01T20:15:00Z` for seconds since 1970 (UTC; the civil calendar from days).
func isoTime(_ seconds: Int64) -> String {
    let days = Int(seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400)
    let rest = Int(seconds - Int64(days) * 86_400)
    let shifted = days + 719_468
    let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
    let dayOfEra = shifted - era * 146_097
    let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
    let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
    let monthIndex = (5 * dayOfYear + 2) / 153
    let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
    let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
    let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
    func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
    return "\(year)-\(two(month))-\(two(day))T\(two(rest / 3600)):\(two(rest / 60 % 60)):\(two(rest % 60))Z"
}
