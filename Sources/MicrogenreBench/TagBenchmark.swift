import MicrogenreCore
import MicrogenreFeeds
import MicrogenreIndex
import MicrogenreTagging
import MicrogenreTaxonomy
import MicrogenreText

/// Tagging throughput over the Corpus, next to analysis alone of the same titles in the same
/// process: tagging analyzes every text and then matches phrases, scores and (with a model)
/// predicts, so analysis is its floor.
struct TagBenchmark {
    var feed: String
    var runs: Int
    var modelPath: String?

    init(arguments: [String]) throws {
        runs = max(1, Int(option("--runs", in: arguments) ?? "3") ?? 3)
        feed = positional(arguments).first ?? "Corpus/films.xml.gz"
        modelPath =
            option("--model", in: arguments)
            ?? (fileSize(".microgenre/tag-model.mgtm") != nil ? ".microgenre/tag-model.mgtm" : nil)
    }

    func run() throws {
        pinToOneCore()
        let reader = try FeedReader(path: feed)
        var records: [TitleRecord] = []
        while let record = try reader.next() { records.append(record) }
        let taxonomy = try Taxonomy.load(directory: "Taxonomy")
        let analyzer = try Analyzer()
        let rules = try Tagger(taxonomy: taxonomy)
        let model = try modelPath.map { try TagModel.read(from: $0) }
        let learned = try model.map { try Tagger(taxonomy: taxonomy, model: $0) }

        func measure(_ body: () -> Int) -> (titlesPerSecond: Double, count: Int) {
            let (seconds, count) = medianTime(runs: runs, body)
            return (Double(records.count) / seconds, count)
        }
        let analysis = measure {
            var tokens = 0
            for record in records {
                for var text in [record.title] + record.synopses.map(\.text) {
                    _ = text.withUTF8 { analyzer.analyze($0) { _ in tokens += 1 } }
                }
            }
            return tokens
        }
        let ruleTagging = measure { records.reduce(0) { $0 + rules.tag($1).count } }
        var rows = [("analysis only (title + synopses)", analysis), ("tagging, rules", ruleTagging)]
        if let learned {
            rows.append(("tagging, rules + model", measure { records.reduce(0) { $0 + learned.tag($1).count } }))
            // With the title vectors the index keeps: the model's embedding heads too.
            if let identity = learned.embeddingIdentity, fileSize(".microgenre/index/CURRENT") != nil {
                let stored = try IndexDirectory(path: ".microgenre/index").open().liveVectors(identity: identity)
                let vectors = records.map { record in
                    stored[record.id].map { TitleVector(identity: identity, values: $0) }
                }
                let heads = learned.model?.embedding?.heads.count ?? 0
                rows.append(
                    (
                        "tagging, + \(heads) embedding heads",
                        measure {
                            records.indices.reduce(0) { $0 + learned.tag(records[$1], vector: vectors[$1]).count }
                        }
                    ))
            }
        }
        print("Tagging benchmark: \(records.count) titles, median of \(runs) runs, one core")
        print("")
        print("pass".padding(36) + padded("titles/s", 10) + padded("vs analysis", 13))
        for (name, result) in rows {
            print(
                name.padding(36) + padded(String(Int(result.titlesPerSecond)), 10)
                    + padded(fixed(result.titlesPerSecond / analysis.titlesPerSecond, 2), 13))
        }
        if learned == nil { print("(no model: train one with `microgenre model train Corpus/films.xml.gz`)") }
    }
}
