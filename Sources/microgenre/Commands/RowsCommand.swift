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

struct RowsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rows",
        abstract: "Build a home page of micro-genre rows for a user, or for every user in batch.",
        discussion: """
            Rows are the catalog's mined micro-genres that match the user's facet profile (and, \
            for a user without events, the most popular ones), plus "Because you watched X" \
            rows of titles co-viewed with the user's recent favourites. Each row is filled with \
            titles ranked for the user (co-viewing, content and popularity blended), a title \
            appears in at most two rows, rows that repeat another's facets or titles are \
            penalized, and the most tailored rows come first. Each row carries its evidence: \
            the facets with the user's affinity, and the user's titles that chose it.

            --all-users --out DIR writes every user's page as JSON Lines to \
            DIR/rows-I-of-N.jsonl; with --shard I/N (1 <= I <= N) only the users whose id \
            hashes to shard I, so N machines together cover every user exactly once.
            """
    )

    @Option(help: "The user whose page to build.")
    var user: String?

    @Flag(help: "Build every user's page (needs --out).")
    var allUsers = false

    @Option(help: "With --all-users: only shard I of N (for example 2/8).")
    var shard: String?

    @Option(help: "With --all-users: the directory to write the pages to.")
    var out: String?

    @OptionGroup var shape: PageOptions

    @Option(help: "Titles shown per row in text output (JSON has them all).")
    var show = 6

    @Flag(help: "Print the page as JSON (one line).")
    var json = false

    @OptionGroup var location: IndexLocation

    @OptionGroup var events: EventsLocation

    @OptionGroup var taxonomyOptions: TaxonomyOptions

    @OptionGroup var blendOptions: BlendOptions

    func validate() throws {
        guard (user != nil) != allUsers else { throw ValidationError("give either --user U or --all-users") }
        if allUsers && out == nil { throw ValidationError("--all-users needs --out DIR") }
        if shard != nil && !allUsers { throw ValidationError("--shard needs --all-users") }
        if let shard, Self.parseShard(shard) == nil {
            throw ValidationError("--shard must be I/N with 1 <= I <= N, for example 2/8")
        }
    }

    static func parseShard(_ text: String) -> (index: Int, count: Int)? {
        let parts = text.split(separator: "/")
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]), count >= 1,
            (1...count).contains(index)
        else { return nil }
        return (index, count)
    }

    func run() throws {
        let grammar = try GenreGrammar(taxonomy: taxonomyOptions.load())
        let index = try location.openOrExit()
        let store = try events.open(create: false)
        let start = Output.now()
        let users: PersonalModel.Users =
            if let user { .one(user) } else if let (index, count) = shard.flatMap(Self.parseShard) {
                .shard(index: index - 1, count: count)
            } else { .all }
        let model: PersonalModel
        do {
            model = try PersonalModel.load(
                index: index, at: location.directory, store: store, policy: blendOptions.policy,
                blend: blendOptions.blend, users: users)
        } catch {
            Output.failure(error)
            throw ExitCode(1)
        }
        let genres = MinedGenres.load(
            catalog: model.catalog, grammar: grammar, minimumTitles: shape.minTitles,
            indexDirectory: location.directory.path, taxonomyDirectory: try taxonomyOptions.resolvedDirectory())
        var builder = RowBuilder(recommender: model.recommender, genres: genres)
        builder.rows = shape.rows
        builder.perRow = shape.perRow
        builder.positive = model.policy.positive
        let setup = Output.now() - start
        if let user {
            let history = model.histories.users[user]
            if history == nil { Output.error("note: user \(user) has no events: showing popular, diverse rows") }
            let pageStart = Output.now()
            let page = builder.page(history, titleName: model.name)
            let milliseconds = (Output.now() - pageStart) * 1000
            if json {
                Output.line(bytes: pageJSON(user: user, page: page, model: model))
            } else {
                printPage(page, model: model)
            }
            Output.error(
                "\(page.count) rows for \(user) in \(String(format2: milliseconds)) ms "
                    + "(model and \(genres.count) micro-genres loaded in \(String(format2: setup)) s)")
            return
        }
        try runBatch(model: model, builder: builder, setup: setup)
    }

    func runBatch(model: PersonalModel, builder: RowBuilder, setup: Double) throws {
        let (shardIndex, shardCount) = shard.flatMap(Self.parseShard) ?? (1, 1)
        let directory = out!
        try FileSystem.createDirectory(directory)
        // The model holds the shard's users only (PersonalModel.Users.shard).
        let users = model.histories.users.keys.sorted()
        let path = "\(directory)/rows-\(shardIndex)-of-\(shardCount).jsonl"
        let temporary = path + ".tmp"
        guard let file = fopen(temporary, "w") else {
            Output.error("error: \(temporary): cannot write: \(String(cString: strerror(errno)))")
            throw ExitCode(1)
        }
        let start = Output.now()
        var lastProgress = start
        for (done, user) in users.enumerated() {
            let page = builder.page(model.histories.users[user], titleName: model.name)
            var bytes = pageJSON(user: user, page: page, model: model)
            bytes.append(0x0A)
            guard fwrite(bytes, 1, bytes.count, file) == bytes.count else {
                fclose(file)
                Output.error("error: \(temporary): write failed: \(String(cString: strerror(errno)))")
                throw ExitCode(1)
            }
            let now = Output.now()
            if Output.stderrIsTerminal && now - lastProgress > 1 {
                lastProgress = now
                Output.error("  \(done + 1) of \(users.count) users")
            }
        }
        guard fclose(file) == 0, rename(temporary, path) == 0 else {
            Output.error("error: \(path): cannot write: \(String(cString: strerror(errno)))")
            throw ExitCode(1)
        }
        let seconds = Output.now() - start
        Output.line(
            "Wrote \(users.count) users' pages to \(path) in \(String(format2: seconds)) s "
                + "(\(String(format2: Double(users.count) / max(seconds, 1e-9))) users/s; setup \(String(format2: setup)) s)"
        )
    }

    func printPage(_ page: [PageRow], model: PersonalModel) {
        for (number, row) in page.enumerated() {
            Output.line("\(number + 1). \(row.name)  (\(row.titles.count) titles)")
            var why: [String] = []
            if row.facets.contains(where: { $0.affinity != 0 }) {
                why.append(
                    "facets " + row.facets.map { "\($0.tag) \(String(format2: $0.affinity))" }.joined(separator: ", "))
            } else if !row.facets.isEmpty {
                why.append("popular with everyone; facets " + row.facets.map(\.tag).joined(separator: ", "))
            }
            if !row.because.isEmpty && row.kind == .genre {
                why.append("from " + row.because.map(model.name).joined(separator: "; "))
            }
            if !why.isEmpty { Output.line("   why: " + why.joined(separator: "; ")) }
            Output.line("   " + row.titles.prefix(show).map(model.name).joined(separator: " | "))
        }
    }

    func pageJSON(user: String, page: [PageRow], model: PersonalModel) -> [UInt8] {
        APIJSON.page(user: user, page: page, catalog: model.catalog)
    }
}

/// The page's shape, shared by `rows` and `eval rows`.
struct PageOptions: ParsableArguments {
    @Option(help: "Rows on the page.")
    var rows = 40

    @Option(help: "Most titles per row.")
    var perRow = 75

    @Option(help: "Fewest titles a micro-genre needs to be a row.")
    var minTitles = 20

    func validate() throws {
        guard rows >= 1, perRow >= 1, minTitles >= 1 else {
            throw ValidationError("--rows, --per-row and --min-titles must be at least 1")
        }
    }
}
