import ArgumentParser
import MicrogenreCore
import MicrogenreFeeds
import MicrogenreTagging
import MicrogenreTaxonomy

struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Measure the tagger against labelled titles.",
        subcommands: [Tags.self, Rows.self]
    )

    struct Tags: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Precision, recall and F1 of the tagger per tag, with micro and macro averages.",
            discussion: """
                --truth is a CSV file of 'title id,tag id,label' rows (label 1 or 0; a header row \
                is allowed). Every title of the truth file found in the feeds is tagged, and each \
                labelled (title, tag) pair counts: predicted when the tag scores at least --threshold.
                """
        )

        @Option(help: "CSV of title id, tag id, label (1 or 0).")
        var truth: String

        @Argument(help: "Feed files holding the labelled titles.")
        var feeds: [String]

        @OptionGroup var input: FeedInputOptions

        @OptionGroup var tagging: TaggingOptions

        @Option(help: "The score at which a tag counts as predicted.")
        var threshold = 0.5

        @Flag(help: "Print the figures as JSON.")
        var json = false

        @OptionGroup var location: IndexLocation

        @Flag(
            help:
                "Add evidence from viewing (co-viewing neighbours' tags of feeling and theme; needs the index and events)."
        )
        var coviewing = false

        @OptionGroup var events: EventsLocation

        func run() throws {
            let tagger = try tagging.makeTagger()
            var labels: [TitleID: [(TagID, Bool)]] = [:]
            for row in try LabelFile.read(truth, taxonomy: tagger.taxonomy) {
                labels[row.title, default: []].append((row.tag, row.label))
            }
            let loaded = try input.load(feeds)
            var evaluation = TagEvaluation()
            var found = 0
            // Titles are tagged as `tag` tags them: with the vector the index keeps (evidence from
            // meaning) and, with --coviewing, their neighbours' tags.
            let labelled = loaded.catalog.records.filter { labels[$0.id] != nil }
            let tagged = try TitleVectors.tagAll(
                labelled, tagger: tagger, location: location, events: coviewing ? events : nil)
            for (id, scored) in tagged {
                guard let pairs = labels[id] else { continue }
                found += 1
                let scores = Dictionary(uniqueKeysWithValues: scored.map { ($0.tag, $0.score) })
                for (tag, label) in pairs {
                    evaluation.record(tag: tag, predicted: (scores[tag] ?? 0) >= threshold, label: label)
                }
            }
            let missing = labels.count - found
            report(evaluation, titles: found, missing: missing)
        }

        private func report(_ evaluation: TagEvaluation, titles: Int, missing: Int) {
            let tags = evaluation.counts.sorted { $0.value.support > $1.value.support }
            let micro = evaluation.micro
            let macro = evaluation.macro
            if json {
                var writer = JSONWriter()
                writer.beginObject()
                writer.number(titles, "titles")
                writer.number(missing, "missingTitles")
                writer.beginArray("tags")
                for (tag, c) in tags {
                    writer.beginObject()
                    writer.string(tag.rawValue, "tag")
                    writer.number(c.support, "support")
                    writer.number(c.truePositives, "tp")
                    writer.number(c.falsePositives, "fp")
                    writer.number(c.falseNegatives, "fn")
                    writer.number(c.precision, "precision")
                    writer.number(c.recall, "recall")
                    writer.number(c.f1, "f1")
                    writer.endObject()
                }
                writer.endArray()
                writer.beginObject("micro")
                writer.number(micro.precision, "precision")
                writer.number(micro.recall, "recall")
                writer.number(micro.f1, "f1")
                writer.endObject()
                writer.beginObject("macro")
                writer.number(macro.precision, "precision")
                writer.number(macro.recall, "recall")
                writer.number(macro.f1, "f1")
                writer.endObject()
                writer.endObject()
                Output.line(bytes: writer.bytes)
                return
            }
            Output.line(
                "\(titles.grouped) labelled titles tagged"
                    + (missing > 0 ? " (\(missing.grouped) not in the feeds)" : ""))
            EvaluationTable.print(evaluation)
        }
    }
}

/// Prints an evaluation as a table: per tag (most labelled positives first), then micro and
/// macro averages.
enum EvaluationTable {
    static func print(_ evaluation: TagEvaluation, limit: Int = .max) {
        func row(_ name: String, _ support: String, _ p: Double, _ r: Double, _ f1: Double) {
            Output.line(
                name.padded(26) + support.leftPadded(8) + String(format2: p).leftPadded(7)
                    + String(format2: r).leftPadded(7) + String(format2: f1).leftPadded(7))
        }
        Output.line(
            "tag".padded(26) + "support".leftPadded(8) + "P".leftPadded(7) + "R".leftPadded(7) + "F1".leftPadded(7))
        for (tag, c) in evaluation.counts.sorted(by: { $0.value.support > $1.value.support }).prefix(limit) {
            row(tag.rawValue, String(c.support), c.precision, c.recall, c.f1)
        }
        let micro = evaluation.micro
        let macro = evaluation.macro
        row("micro (\(evaluation.counts.count) tags)", String(micro.support), micro.precision, micro.recall, micro.f1)
        row("macro", "", macro.precision, macro.recall, macro.f1)
    }
}

/// A CSV file of labels: `title id,tag id,label` rows, label 1 or 0, an optional header.
enum LabelFile {
    struct Row {
        var title: TitleID
        var tag: TagID
        var label: Bool
    }

    static func read(_ path: String, taxonomy: Taxonomy) throws -> [Row] {
        let text: String
        do { text = try FileSystem.readText(path) } catch { throw ValidationError("cannot read \(path): \(error)") }
        var rows: [Row] = []
        for (index, line) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let fields = NameList.csvFields(String(line)).map(\.trimmingSpaces)
            if fields.count == 1 && fields[0].isEmpty { continue }
            if index == 0 && fields.last.map({ $0 != "0" && $0 != "1" }) == true { continue }
            guard fields.count == 3, fields[2] == "0" || fields[2] == "1" else {
                throw ValidationError("\(path):\(index + 1): expected 'title id,tag id,label' with label 0 or 1")
            }
            guard taxonomy[TagID(fields[1])] != nil else {
                throw ValidationError("\(path):\(index + 1): unknown tag '\(fields[1])'")
            }
            rows.append(Row(title: TitleID(fields[0]), tag: TagID(fields[1]), label: fields[2] == "1"))
        }
        return rows
    }
}

extension String {
    /// The string padded on the left to `width` characters.
    func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
