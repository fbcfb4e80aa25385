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

extension EvalCommand {
    struct Rows: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Measure the pages offline on held-out viewing, against popularity and item-kNN.",
            discussion: """
                Each user's positive titles (completed, played through, rated 4 or more, thumbed \
                up) are ordered by time and the last --holdout-last of them (a count, or a share \
                such as 20%) are held out; profiles, co-viewing and popularity are built from \
                every user's earlier events only. Each method ranks the titles the user has not \
                seen: popularity, item-kNN (sum of cosine co-occurrence with the user's liked \
                titles), content (facet profile only), the Microgenre ranker (the blend rows and \
                search use) and the Microgenre page (the titles of the rows, row by row). Reported \
                per cutoff K: recall@K, nDCG@K, catalog coverage (distinct titles in anyone's top \
                K) and intra-list diversity (mean pairwise 1 - facet cosine in the top K).
                """
        )

        @Option(help: "Viewing events file (CSV or JSON Lines, as for events import).")
        var events: String

        @Option(help: "Held-out positives per user: a count (3) or a share (20%).")
        var holdoutLast = "20%"

        @Option(help: "Cutoffs, comma-separated.")
        var k = "10,100"

        @OptionGroup var shape: PageOptions

        @Option(help: "Write the split (train.csv, test.csv) to this directory, for external baselines.")
        var splitOut: String?

        @Flag(help: "Print the figures as JSON.")
        var json = false

        @OptionGroup var location: IndexLocation

        @OptionGroup var taxonomyOptions: TaxonomyOptions

        @OptionGroup var blendOptions: BlendOptions

        var cutoffs: [Int] { k.split(separator: ",").compactMap { Int(String($0).trimmingSpaces) } }

        func validate() throws {
            guard !cutoffs.isEmpty, cutoffs.allSatisfy({ $0 >= 1 }) else {
                throw ValidationError("--k must be positive integers, e.g. 10,100")
            }
            guard holdout != nil else { throw ValidationError("--holdout-last must be a count (3) or a share (20%)") }
        }

        var holdout: (share: Double?, count: Int)? {
            if holdoutLast.hasSuffix("%"), let percent = Double(holdoutLast.dropLast()), percent > 0, percent < 100 {
                return (percent / 100, 0)
            }
            if let count = Int(holdoutLast), count >= 1 { return (nil, count) }
            return nil
        }

        func run() throws {
            let taxonomy = try taxonomyOptions.load()
            let grammar = try GenreGrammar(taxonomy: taxonomy)
            let index = try location.openOrExit()
            let bytes: [UInt8]
            do { bytes = try FileSystem.read(events) } catch {
                Output.failure(error)
                throw ExitCode(1)
            }
            let (parsed, errors) = EventParser().parse(bytes, file: events)
            for error in errors.prefix(10) { Output.error("\(error.location): error: \(error.message)") }
            if errors.count > 10 { Output.error("\(events): \(errors.count - 10) more bad rows skipped") }
            let start = Output.now()
            let catalog = CatalogFeatures(index: index)
            let genres = MinedGenres.load(
                catalog: catalog, grammar: grammar, minimumTitles: shape.minTitles,
                indexDirectory: location.directory.path, taxonomyDirectory: try taxonomyOptions.resolvedDirectory())
            var evaluation = RowEvaluation()
            evaluation.cutoffs = cutoffs
            evaluation.blend = blendOptions.blend
            evaluation.policy = blendOptions.policy
            evaluation.rows = shape.rows
            evaluation.perRow = shape.perRow
            evaluation.holdoutShare = holdout!.share
            evaluation.holdoutCount = holdout!.count
            var lastProgress = Output.now()
            let result = evaluation.run(events: parsed, catalog: catalog, genres: genres) { done, total in
                let now = Output.now()
                if Output.stderrIsTerminal && now - lastProgress > 1 {
                    lastProgress = now
                    Output.error("  \(done) of \(total) users")
                }
            }
            let seconds = Output.now() - start
            if let splitOut { try writeSplit(result, catalog: catalog, to: splitOut) }
            if json {
                var writer = JSONWriter()
                writer.beginObject()
                writer.number(result.users, "users")
                writer.number(result.heldOutTitles, "heldOutTitles")
                writer.number(result.skippedUsers, "skippedUsers")
                writer.number(result.unknownTitleEvents, "unknownTitleEvents")
                writer.beginObject("methods")
                for method in result.methods {
                    writer.beginObject(method.name)
                    for k in cutoffs {
                        let m = method.metrics[k]!
                        writer.beginObject("\(k)")
                        writer.number(m.recall, "recall")
                        writer.number(m.ndcg, "ndcg")
                        writer.number(m.coverage, "coverage")
                        writer.number(m.diversity, "diversity")
                        writer.endObject()
                    }
                    writer.endObject()
                }
                writer.endObject()
                writer.endObject()
                Output.line(bytes: writer.bytes)
                return
            }
            Output.line(
                "\(result.users) users, \(result.heldOutTitles) held-out titles (last \(holdoutLast) of each user's positives); "
                    + "\(result.skippedUsers) users with fewer than 2 positives skipped; "
                    + "\(result.unknownTitleEvents) events name titles not in the index; \(errors.count) bad rows")
            var header = "method".padded(20)
            for k in cutoffs {
                header +=
                    "R@\(k)".leftPadded(9) + "nDCG@\(k)".leftPadded(10) + "cov@\(k)".leftPadded(9)
                    + "div@\(k)".leftPadded(9)
            }
            Output.line(header + "   recall vs popularity")
            let baseline = result.methods[0].metrics
            for method in result.methods {
                var line = method.name.padded(20)
                for k in cutoffs {
                    let m = method.metrics[k]!
                    line +=
                        String(format3: m.recall).leftPadded(9) + String(format3: m.ndcg).leftPadded(10)
                        + String(format3: m.coverage).leftPadded(9) + String(format3: m.diversity).leftPadded(9)
                }
                let ratios = cutoffs.map { k in
                    let base = baseline[k]!.recall
                    return base > 0 ? String(format2: method.metrics[k]!.recall / base) + "x" : "-"
                }
                Output.line(line + "   " + ratios.joined(separator: " "))
            }
            // Is the page really better? Paired differences of per-user recall, with a bootstrap 95% interval.
            let page = result.methods.first { $0.name == "microgenre-page" }!
            for baselineName in ["popularity", "item-knn"] {
                let baseline = result.methods.first { $0.name == baselineName }!
                let parts = cutoffs.map { k in
                    let (mean, low, high) = pairedBootstrap(page.metrics[k]!.recalls, baseline.metrics[k]!.recalls)
                    return
                        "R@\(k) \(mean >= 0 ? "+" : "")\(String(format3: mean)) (95% CI \(String(format3: low)) to \(String(format3: high)))"
                }
                Output.line("page - \(baselineName): " + parts.joined(separator: "; "))
            }
            Output.error("evaluated in \(String(format2: seconds)) s")
        }

        /// train.csv: user,title,signal,finished for every training (user, title); test.csv: user,title.
        func writeSplit(_ result: RowEvaluation.Result, catalog: CatalogFeatures, to directory: String) throws {
            let split = result.split
            try FileSystem.createDirectory(directory)
            let histories = result.histories
            var train = "user,title,signal,finished\n"
            for user in histories.users.keys.sorted() {
                let history = histories.users[user]!
                for doc in history.raw.keys.sorted() {
                    train +=
                        "\(user),\(catalog.ids[doc].rawValue.csvQuoted),\(history.raw[doc]!),\(history.finished.contains(doc) ? 1 : 0)\n"
                }
            }
            var test = "user,title\n"
            for user in split.heldOut.keys.sorted() {
                for doc in split.heldOut[user]!.sorted() { test += "\(user),\(catalog.ids[doc].rawValue.csvQuoted)\n" }
            }
            try FileSystem.write(Array(train.utf8), to: directory + "/train.csv")
            try FileSystem.write(Array(test.utf8), to: directory + "/test.csv")
            var catalogFile = "title\n"
            for doc in catalog.ids.indices where catalog.live[doc] && catalog.canonical[doc] == doc {
                catalogFile += catalog.ids[doc].rawValue.csvQuoted + "\n"
            }
            try FileSystem.write(Array(catalogFile.utf8), to: directory + "/catalog.csv")
            Output.error("wrote \(directory)/train.csv, test.csv and catalog.csv")
        }
    }
}

extension String {
    fileprivate var csvQuoted: String {
        guard contains(",") || contains("\"") else { return self }
        var quoted = "\""
        for character in self { quoted += character == "\"" ? "\"\"" : String(character) }
        return quoted + "\""
    }
}
