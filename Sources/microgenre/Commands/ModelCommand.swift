import ArgumentParser
import MicrogenreCore
import MicrogenreEmbedding
import MicrogenreFeeds
import MicrogenreTagging
import MicrogenreTaxonomy

struct ModelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "model",
        abstract: "Build the tagger's learned model.",
        subcommands: [Train.self]
    )

    struct Train: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Train the tag model on feeds by distant supervision and write it to a file.",
            discussion: """
                A title is a positive example of a tag when its genres, keywords or synopsis name \
                the tag; the tag's own words are masked from its features. With --holdout, that \
                share of titles is kept out of training and the classifiers are evaluated on it \
                (cue masked); the model written is the one trained without them.

                When the sentence-embedding model is installed, the tag model also gets heads \
                over the title embeddings: a classifier per tag with enough positive titles, \
                and for the tags of meaning (genre, subject, tone, mood, theme, setting, lead) \
                with too few, the similarity to the tag's description, calibrated on the \
                others. The vectors come from the index where it holds them (index first, then \
                train, then `index --merge` to tag the index with them); the rest are embedded.
                """
        )

        @Argument(help: "Feed files to learn from.")
        var feeds: [String]

        @OptionGroup var input: FeedInputOptions

        @OptionGroup var taxonomyOptions: TaxonomyOptions

        @Option(help: "Where to write the model (default: .microgenre/tag-model.mgtm, or in $MICROGENRE_HOME).")
        var out: String?

        @Option(help: "A file of title ids (one per line) to leave out of training, such as an evaluation set.")
        var excludeIds: String?

        @Option(
            help:
                "Learn from these labels instead (CSV: title id, tag id, label 1 or 0): supervised training on the labelled titles and tags only."
        )
        var labels: String?

        @Option(help: "Share of titles held out for evaluation, 0 to 0.5.")
        var holdout = 0.0

        @Option(help: "Tags with fewer positive titles get no classifier.")
        var minimumPositives = 25

        @Option(help: "Passes over the training data (default: 6; 40 with --labels).")
        var epochs: Int?

        @Option(help: "The initial learning rate (default: 0.2; 0.01 with --labels).")
        var learningRate: Double?

        @Option(help: "The L2 penalty per update.")
        var l2 = 1e-5

        @Option(help: "Share of examples whose tag's own cue words are hidden each pass (cue dropout), 0 to 1.")
        var maskRate = 1.0

        @OptionGroup var embeddingOptions: EmbeddingOptions

        @OptionGroup var location: IndexLocation

        func validate() throws {
            guard (0...1).contains(maskRate) else { throw ValidationError("--mask-rate must be between 0 and 1") }
            guard (0...0.5).contains(holdout) else { throw ValidationError("--holdout must be between 0 and 0.5") }
        }

        func run() throws {
            let taxonomy = try taxonomyOptions.load()
            let tagger = try Tagger(taxonomy: taxonomy)
            let loaded = try input.load(feeds)
            var records = loaded.catalog.records
            if let excludeIds {
                let text: String
                do { text = try FileSystem.readText(excludeIds) } catch {
                    throw ValidationError("cannot read \(excludeIds): \(error)")
                }
                let excluded = Set(text.split(whereSeparator: \.isNewline).map { TitleID(String($0).trimmingSpaces) })
                records.removeAll { excluded.contains($0.id) }
                Output.error(
                    "left out \((loaded.catalog.records.count - records.count).grouped) titles listed in \(excludeIds)")
            }
            var trainer = TagModelTrainer()
            trainer.minimumPositives = minimumPositives
            // Labelled data is small and clean: many small steps fit it best.
            trainer.epochs = epochs ?? (labels == nil ? 6 : 40)
            trainer.learningRate = learningRate ?? (labels == nil ? 0.2 : 0.01)
            trainer.l2 = l2
            trainer.maskRate = maskRate
            let start = Output.now()
            var given: [TitleID: Set<TagID>]?
            var labelledTags: Set<TagID> = []
            if let labels {
                let rows = try LabelFile.read(labels, taxonomy: taxonomy)
                var byTitle: [TitleID: Set<TagID>] = [:]
                for row in rows {
                    labelledTags.insert(row.tag)
                    if row.label {
                        byTitle[row.title, default: []].insert(row.tag)
                    } else {
                        byTitle[row.title, default: []].formUnion([])
                    }
                }
                given = byTitle
                trainer.maskRate = 0
            }
            var embeddings: TrainingEmbeddings?
            if let embedder = try embeddingOptions.load(maximumTokens: 128, defaultPrecision: .bfloat16) {
                let vectors = TitleVectors.load(
                    for: records, embedder: embedder, location: location, embedMissing: true)
                embeddings = TrainingEmbeddings(
                    identity: embedder.identity, dimension: embedder.dimension, vectors: vectors,
                    descriptions: TitleVectors.descriptions(of: taxonomy, embedder: embedder))
            }
            let (model, report) = trainer.train(
                records, tagger: tagger, holdout: holdout, labels: given, labelledTags: labelledTags,
                embeddings: embeddings
            ) { Output.error($0) }
            let path = try out ?? DataDirectory.file("tag-model.mgtm", create: true)
            do { try model.write(to: path) } catch {
                Output.error("error: cannot write the model: \(error)")
                throw ExitCode(1)
            }
            Output.line(
                "Trained \(model.classifiers.count) classifiers on \(report.trainingTitles.grouped) titles "
                    + "(\(report.features.grouped) feature terms) in \(String(format2: Output.now() - start)) s -> \(path)"
            )
            if let heads = report.embedding {
                Output.line(
                    "  embedding heads: \(heads.classifiers) classifiers, \(heads.descriptions) descriptions (calibrated: p = sigmoid(\(String(format2: Double(heads.slope))) z \(heads.intercept < 0 ? "-" : "+") \(String(format2: Double(abs(heads.intercept))))) / \(String(format2: Double(heads.labelFrequency)))), \(report.embeddedTitles.grouped) titles with vectors"
                )
            }
            if let heads = report.embedding, !heads.descriptionChecks.isEmpty {
                let checks = heads.descriptionChecks.sorted { $0.auc < $1.auc }
                Output.error(
                    "description checks (AUC of the similarity on the titles naming the tag): "
                        + checks.map { "\($0.tag) \(String(format2: $0.auc)) (\($0.named))" }.joined(separator: ", "))
                if !heads.descriptionsDropped.isEmpty {
                    Output.line(
                        "  description heads left out, their tag's titles not near the description: "
                            + heads.descriptionsDropped.map(\.rawValue).joined(separator: ", "))
                }
            }
            guard holdout > 0 else { return }
            let evaluation = report.evaluation
            Output.line(
                "Held-out evaluation on \(report.heldOutTitles.grouped) titles, each tag's own cue words masked:")
            EvaluationTable.print(evaluation, limit: 25)
            if let heads = report.embedding {
                Output.line("Held-out evaluation of the embedding classifiers (evidence 0.5 or more):")
                EvaluationTable.print(heads.evaluation, limit: 25)
            }
        }
    }
}
