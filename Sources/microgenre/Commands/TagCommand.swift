import ArgumentParser
import MicrogenreCore
import MicrogenreEmbedding
import MicrogenreFeeds
import MicrogenreServer
import MicrogenreTagging
import MicrogenreTaxonomy
import MicrogenreText

/// Options shared by the commands that tag titles.
struct TaggingOptions: ParsableArguments {
    @OptionGroup var taxonomyOptions: TaxonomyOptions

    @Option(help: "The tag model file (default: .microgenre/tag-model.mgtm, or in $MICROGENRE_HOME, when present).")
    var model: String?

    @Flag(help: "Tag without the learned model, from rules only.")
    var noModel = false

    @Option(
        name: .customLong("weight"),
        help: ArgumentHelp(
            "Override an evidence weight, as NAME=VALUE (repeatable).",
            discussion:
                "Names: genre, keyword, metadata, rating, leadNaming, naming, leadCue, cue, title, parent, negation, model."
        ))
    var weightOverrides: [String] = []

    /// The model file to use, if any.
    func modelPath() throws -> String? {
        if noModel { return nil }
        if let model { return model }
        let fallback = try DataDirectory.file("tag-model.mgtm")
        return FileSystem.exists(fallback) ? fallback : nil
    }

    func makeTagger() throws -> Tagger {
        let taxonomy = try taxonomyOptions.load()
        var tagModel: TagModel?
        if let path = try modelPath() {
            do {
                tagModel = try TagModel.read(from: path)
                if let tagModel, tagModel.analyzerVersion != Analyzer.version {
                    Output.error(
                        "warning: \(path): trained with analyzer version \(tagModel.analyzerVersion), this build analyzes with version \(Analyzer.version): the model misses some words until `microgenre model train` trains it again"
                    )
                }
            } catch {
                Output.error("\(error)")
                throw ExitCode(1)
            }
        }
        let tagger = try Tagger(taxonomy: taxonomy, model: tagModel)
        for override in weightOverrides {
            let parts = override.split(separator: "=")
            guard parts.count == 2, let value = Double(parts[1]), (0...1).contains(value),
                let key = TaggerWeights.keyPaths[String(parts[0])]
            else {
                throw ValidationError("--weight takes NAME=VALUE with VALUE in [0, 1], found '\(override)'")
            }
            tagger.weights[keyPath: key] = value
        }
        return tagger
    }
}

struct TagCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tag",
        abstract: "Score every title of the feeds against the taxonomy, with the evidence.",
        discussion: """
            Each tag gets a score in [0, 1] from the feed's genres and keywords, metadata (year, \
            countries, languages, rating, kind), phrases in the synopsis (negations such as 'not a \
            comedy' lower it) and the title, the tag hierarchy, and the learned model. Tags at or \
            above --threshold are shown; --json prints one object per title with every tag above \
            0.05 and its evidence.
            """
    )

    @Argument(help: "Feed files (.xml or .xml.gz).")
    var feeds: [String]

    @OptionGroup var input: FeedInputOptions

    @OptionGroup var tagging: TaggingOptions

    @Option(help: "The lowest score shown in the text output.")
    var threshold = 0.5

    @Option(help: "Tag at most this many titles (0: all).")
    var limit = 0

    @Option(name: .customLong("id"), help: "Tag only the title with this id (repeatable).")
    var ids: [String] = []

    @Flag(help: "Print one JSON object per title (JSON Lines).")
    var json = false

    @Flag(
        help: ArgumentHelp(
            "Print what decides each tag instead of the titles.",
            discussion:
                "For each tag, the titles at or above --threshold, by the source of their strongest evidence, and the synopsis and title phrases that decided the most of them (with --json, also example title ids)."
        ))
    var audit = false

    @Option(help: "Deciding phrases shown per tag with --audit.")
    var phrases = 8

    @OptionGroup var location: IndexLocation

    @Flag(
        help: ArgumentHelp(
            "Embed the titles the index holds no vector for (slow: about 170 titles/s), so they get evidence from meaning too.",
            discussion:
                "Evidence from meaning needs a tag model trained with embeddings and each title's vector, which is read from the index (--index) when it holds the title."
        ))
    var embed = false

    @OptionGroup var embeddingOptions: EmbeddingOptions

    @Flag(
        help: ArgumentHelp(
            "Add evidence from viewing: each title's co-viewing neighbours' tags (needs the index and an events store).",
            discussion:
                "A title the index holds borrows the tags of feeling and theme (subject, tone, mood, theme) of the titles the same users love, weighted by their co-viewing similarity: evidence source 'coviewing', naming the neighbours."
        ))
    var coviewing = false

    @OptionGroup var events: EventsLocation

    func run() throws {
        let tagger = try tagging.makeTagger()
        let loaded = try input.load(feeds)
        var records = loaded.catalog.records
        if !ids.isEmpty {
            let wanted = Set(ids.map(TitleID.init))
            records = records.filter { wanted.contains($0.id) }
            for id in wanted where !records.contains(where: { $0.id == id }) {
                Output.error("warning: no title with id '\(id)'")
            }
        }
        if limit > 0 { records = Array(records.prefix(limit)) }
        var vectors: [TitleID: [Float]] = [:]
        let identity = tagger.embeddingIdentity
        if let identity {
            if embed, let embedder = try embeddingOptions.load(required: true, maximumTokens: 128) {
                guard embedder.identity == identity else {
                    Output.error(
                        "error: the tag model's embedding heads read vectors of \(identity), the installed model is \(embedder.identity): train the model again (`microgenre model train`)"
                    )
                    throw ExitCode(1)
                }
                vectors = TitleVectors.load(for: records, embedder: embedder, location: location, embedMissing: true)
            } else {
                vectors = TitleVectors.indexed(records, identity: identity, location: location)
                if vectors.count < records.count {
                    Output.error(
                        "note: \((records.count - vectors.count).grouped) of \(records.count.grouped) titles have no vector in the index: no evidence from meaning for them (--embed embeds them)"
                    )
                }
            }
        }
        var neighbours: CoViewingEvidence?
        if coviewing {
            neighbours = try CoViewingEvidence.load(
                index: location.openOrExit(), at: location.directory, events: events, tagger: tagger)
        }
        let start = Output.now()
        var tagged = 0
        var tagAudit = TagAudit(threshold: threshold)
        for record in records {
            var scores = tagger.tag(
                record,
                vector: identity.flatMap { id in vectors[record.id].map { TitleVector(identity: id, values: $0) } })
            if let neighbours { scores = neighbours.smooth(record.id, scores) }
            tagged += 1
            if audit {
                tagAudit.add(record.id, scores)
            } else if json {
                Output.line(bytes: APIJSON.tagged(record, scores))
            } else {
                Output.line("\(record.id)  \(record.title)" + (record.year.map { " (\($0))" } ?? ""))
                for score in scores where score.score >= threshold {
                    let evidence = score.evidence.prefix(3).map { item in
                        "\(item.source.rawValue) \"\(item.text)\"" + (item.offset.map { "@\($0)" } ?? "")
                    }
                    Output.line(
                        "  " + String(format2: score.score) + "  " + score.tag.rawValue.padded(24)
                            + evidence.joined(separator: "; "))
                }
            }
        }
        if audit { printAudit(tagAudit) }
        let seconds = Output.now() - start
        Output.error(
            "tagged \(tagged.grouped) titles in \(String(format2: seconds)) s (\(Int(Double(tagged) / max(seconds, 1e-9)).grouped) titles/s)"
        )
        if loaded.failedFeeds > 0 { throw ExitCode(1) }
    }

    private func printAudit(_ audit: TagAudit) {
        for entry in audit.report {
            let sources = entry.bySource.sorted {
                $0.value != $1.value ? $0.value > $1.value : $0.key.rawValue < $1.key.rawValue
            }
            let top = entry.phrases.prefix(phrases)
            if json {
                var writer = JSONWriter()
                writer.beginObject()
                writer.string(entry.tag.rawValue, "tag")
                writer.number(entry.titles, "titles")
                writer.beginObject("sources")
                for (source, count) in sources { writer.number(count, source.rawValue) }
                writer.endObject()
                writer.beginArray("phrases")
                for phrase in top {
                    writer.beginObject()
                    writer.string(phrase.phrase, "phrase")
                    writer.number(phrase.titles, "titles")
                    writer.strings(phrase.examples.map(\.rawValue), "examples")
                    writer.endObject()
                }
                writer.endArray()
                writer.endObject()
                Output.line(bytes: writer.bytes)
            } else {
                Output.line(
                    entry.tag.rawValue.padded(24) + "\(entry.titles.grouped) titles: "
                        + sources.map { "\($0.key.rawValue) \($0.value.grouped)" }.joined(separator: ", "))
                if !top.isEmpty {
                    Output.line("    " + top.map { "\($0.phrase) \($0.titles.grouped)" }.joined(separator: ", "))
                }
            }
        }
    }
}
